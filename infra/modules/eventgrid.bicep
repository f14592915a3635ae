// Blob drop in Azure: an Event Grid system topic on the storage account, and a subscription that delivers each
// BlobCreated event under the inbox container to the Functions host's blobs extension webhook, which runs the
// BlobDrop function (a BlobTrigger with Source = EventGrid). Event Grid retries undelivered events for a day, so a
// drop made while the app is scaled to zero starts its job once the HTTP request has woken a replica.
param storageAccountName string
param location string
param tags object
@secure()
@description('The app\'s blobs extension webhook with the blobs_extension system key the app is given (functionapp.bicep).')
param webhookUrl string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource topic 'Microsoft.EventGrid/systemTopics@2022-06-15' = {
  name: 'evgt-${storageAccountName}'
  location: location
  tags: tags
  properties: {
    source: account.id
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource inboxDrops 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2022-06-15' = {
  parent: topic
  name: 'inbox-blob-drop'
  properties: {
    destination: {
      endpointType: 'WebHook'
      properties: {
        endpointUrl: webhookUrl
        maxEventsPerBatch: 1
        preferredBatchSizeInKilobytes: 64
      }
    }
    filter: {
      includedEventTypes: [ 'Microsoft.Storage.BlobCreated' ]
      subjectBeginsWith: '/blobServices/default/containers/inbox/'
    }
    eventDeliverySchema: 'EventGridSchema'
    retryPolicy: {
      maxDeliveryAttempts: 30
      eventTimeToLiveInMinutes: 1440
    }
  }
}

output subscriptionName string = inboxDrops.name
