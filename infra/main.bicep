// Darkroom on Azure: storage, identity, monitoring, a Container Apps environment with a serverless GPU
// workload profile, a container registry, and the Functions app running natively on Container Apps.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('Name of the azd environment; used to name and tag every resource.')
param environmentName string

@minLength(1)
@description('Azure region for every resource. Serverless GPUs are offered in a subset of regions.')
param location string

@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
@description('Serverless GPU profile for inference: T4 (cheaper, 16 GB) by default, A100 (80 GB) for large batches and models.')
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Container image of the function app; azd sets it on deploy. The placeholder starts until the first deploy.')
param functionAppImage string = 'mcr.microsoft.com/azure-functions/dotnet8-quickstart-demo:1.0'

var placeholderImage = 'mcr.microsoft.com/azure-functions/dotnet8-quickstart-demo:1.0'

@secure()
@description('The Functions host\'s blobs_extension system key, given to the app and carried by the Event Grid webhook URL. A new one each provision unless set.')
param blobsExtensionKey string = newGuid()

@minValue(0)
@maxValue(10)
@description('Replicas kept warm; 0 scales to zero (cheapest, cold starts load the model again).')
param minReplicas int = 0

@minValue(1)
@maxValue(1000)
@description('Most replicas the app scales out to.')
param maxReplicas int = 10

var resourceToken = toLower(uniqueString(subscription().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-darkroom-${resourceToken}'
    location: location
    tags: tags
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    logAnalyticsName: 'log-darkroom-${resourceToken}'
    appInsightsName: 'appi-darkroom-${resourceToken}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'stdarkroom${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  scope: rg
  params: {
    name: 'crdarkroom${resourceToken}'
    location: location
    tags: tags
    principalId: identity.outputs.principalId
  }
}

module environment 'modules/containerapps-environment.bicep' = {
  name: 'containerapps-environment'
  scope: rg
  params: {
    name: 'cae-darkroom-${resourceToken}'
    location: location
    tags: tags
    logAnalyticsWorkspaceName: monitoring.outputs.logAnalyticsName
    gpuProfileType: gpuProfileType
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: 'func-darkroom-${resourceToken}'
    location: location
    tags: union(tags, { 'azd-service-name': 'api' })
    environmentId: environment.outputs.id
    workloadProfileName: environment.outputs.gpuProfileName
    image: functionAppImage
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    registryServer: registry.outputs.loginServer
    appInsightsConnectionString: monitoring.outputs.appInsightsConnectionString
    minReplicas: minReplicas
    maxReplicas: maxReplicas
    hostKeysJson: string({
      masterKey: { name: 'master', value: uniqueString(blobsExtensionKey, 'master'), encrypted: false }
      functionKeys: [ { name: 'default', value: uniqueString(blobsExtensionKey, 'default'), encrypted: false } ]
      systemKeys: [
        { name: 'blobs_extension', value: blobsExtensionKey, encrypted: false }
        { name: 'durabletask_extension', value: uniqueString(blobsExtensionKey, 'durabletask'), encrypted: false }
      ]
    })
  }
}

// Event Grid validates a webhook when the subscription is created, so it is wired once the app runs Darkroom's image
// (azd's postdeploy hook provisions again after the first deploy; see README "Blob drop in Azure").
module blobDrop 'modules/eventgrid.bicep' = if (functionAppImage != placeholderImage) {
  name: 'eventgrid-blob-drop'
  scope: rg
  params: {
    storageAccountName: storage.outputs.name
    location: location
    tags: tags
    webhookUrl: '${functionApp.outputs.uri}/runtime/webhooks/blobs?functionName=Host.Functions.BlobDrop&code=${blobsExtensionKey}'
  }
}

output AZURE_LOCATION string = location
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.outputs.clientId
output SERVICE_API_NAME string = functionApp.outputs.name
output SERVICE_API_URI string = functionApp.outputs.uri
