# The Functions app on a GPU: ONNX Runtime GPU (CUDA 12 + cuDNN 9), swapped in by -p:DarkroomGpu=true.
#   docker build -f docker/gpu.Dockerfile -t darkroom-functions:gpu .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
RUN apt-get update && apt-get install -y --no-install-recommends nodejs npm && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund && node scripts/install-models.mjs
RUN dotnet publish functions/Darkroom.Functions -c Release -p:DarkroomGpu=true -o /app

FROM nvidia/cuda:12.6.3-cudnn-runtime-ubuntu24.04 AS cuda
FROM mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated10.0
# CUDA and cuDNN user-space libraries from NVIDIA's runtime image; the driver comes from the GPU host.
COPY --from=cuda /usr/local/cuda/lib64 /usr/local/cuda/lib64
COPY --from=cuda /usr/lib/x86_64-linux-gnu/libcudnn* /usr/lib/x86_64-linux-gnu/
ENV LD_LIBRARY_PATH=/usr/local/cuda/lib64 \
    AzureWebJobsScriptRoot=/home/site/wwwroot \
    AzureFunctionsJobHost__Logging__Console__IsEnabled=true \
    Darkroom__Inference__ModelDirectory=/models \
    Darkroom__Inference__ExecutionProvider=cuda
COPY --from=build /app /home/site/wwwroot
COPY --from=build /src/models /models
