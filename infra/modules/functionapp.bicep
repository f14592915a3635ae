// The Functions app as a native Container Apps app (kind functionapp) on the GPU workload profile.
param name string
param location string
param tags object
param environmentId string
param workloadProfileName string
param image string
param identityId string
param identityClientId string
param storageAccountName string
param registryServer string
param appInsightsConnectionString string
param minReplicas int
param maxReplicas int

// Host keys from a file (AzureWebJobsSecretStorageType = files), so that the Event Grid subscription can carry the
// blobs_extension system key, which is known at deploy time (main.bicep derives every key from one secure parameter).
@secure()
@description('The Functions host secrets file (master, default and system keys) as JSON.')
param hostKeysJson string

resource app 'Microsoft.App/containerApps@2025-07-01' = {
  name: name
  location: location
  tags: tags
  kind: 'functionapp'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    environmentId: environmentId
    workloadProfileName: workloadProfileName
    configuration: {
      ingress: {
        external: true
        targetPort: 80
        transport: 'auto'
      }
      secrets: [
        { name: 'functions-host-keys', value: hostKeysJson }
      ]
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'darkroom'
          image: image
          resources: {
            cpu: json('8')
            memory: '56Gi'
          }
          env: [
            { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
            { name: 'AzureWebJobsSecretStorageType', value: 'files' }
            { name: 'FUNCTIONS_SECRETS_PATH', value: '/etc/functions-secrets' }
            { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
            { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
            { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
            { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: appInsightsConnectionString }
            { name: 'Darkroom__Storage__ConnectionString', value: '' }
            { name: 'Darkroom__Storage__AccountName', value: storageAccountName }
            { name: 'Darkroom__Storage__ManagedIdentityClientId', value: identityClientId }
            { name: 'Darkroom__Inference__ExecutionProvider', value: 'cuda' }
            { name: 'Darkroom__Inference__ModelDirectory', value: '/models' }
            // No development key in Azure: keys are created through the admin routes.
            { name: 'Darkroom__Auth__DevelopmentKey', value: '' }
            { name: 'Darkroom__Auth__DevelopmentWebhookSecret', value: '' }
          ]
          volumeMounts: [
            { volumeName: 'host-keys', mountPath: '/etc/functions-secrets' }
          ]
          // Live while the process answers; ready only when storage answers and the preloaded models have run once
          // (a replica gets no traffic while it warms up); the startup probe gives the first model load two minutes.
          probes: [
            {
              type: 'Startup'
              httpGet: { path: '/api/v1/health/live', port: 80 }
              periodSeconds: 5
              failureThreshold: 24
            }
            {
              type: 'Liveness'
              httpGet: { path: '/api/v1/health/live', port: 80 }
              periodSeconds: 10
              failureThreshold: 3
            }
            {
              type: 'Readiness'
              httpGet: { path: '/api/v1/health/ready', port: 80 }
              periodSeconds: 5
              failureThreshold: 3
            }
          ]
        }
      ]
      volumes: [
        {
          name: 'host-keys'
          storageType: 'Secret'
          secrets: [ { secretRef: 'functions-host-keys', path: 'host.json' } ]
        }
      ]
      scale: {
        minReplicas: minReplicas
        maxReplicas: maxReplicas
      }
    }
  }
}

output name string = app.name
output uri string = 'https://${app.properties.configuration.ingress.fqdn}'
