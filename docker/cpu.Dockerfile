# The Functions app on CPU (ONNX Runtime CPU). Build from the repository root:
#   docker build -f docker/cpu.Dockerfile -t darkroom-functions:cpu .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund && node scripts/install-models.mjs
RUN dotnet publish functions/Darkroom.Functions -c Release -o /app

FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0
# jemalloc for the native allocations (ONNX Runtime's activations): a lower peak than glibc's heap (README, "Speed and memory").
RUN apt-get update && apt-get install -y --no-install-recommends libjemalloc2 && rm -rf /var/lib/apt/lists/*
ENV LD_PRELOAD=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2 \
    MALLOC_CONF=narenas:2,background_thread:true \
    AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    Darkroom__Inference__ModelDirectory=/models \
    Darkroom__Inference__ExecutionProvider=cpu
COPY --from=build /app /home/site/wwwroot
COPY --from=build /src/models /models
