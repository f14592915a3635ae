using Darkroom.Imaging;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace Darkroom.Inference;

/// <summary>Input tensors for the models.</summary>
internal static class ModelInput
{
    /// <summary>
    /// RGB bytes as a 1x3xHxW float tensor, normalised, allocated by ONNX Runtime in the native heap its passes free
    /// into (and freed with the value). Rented from the shared array pool instead, ISNet's 12 MiB tensor sat in 16 MiB
    /// buckets the pool kept per core: three of them, 48 MiB of the managed heap held for good.
    /// </summary>
    public static OrtValue Nchw(ReadOnlySpan<byte> rgb, int width, int height, ChannelNormalization normalization)
    {
        OrtValue tensor = OrtValue.CreateAllocatedTensorValue(OrtAllocator.DefaultInstance, TensorElementType.Float, [1, 3, height, width]);
        TensorBuilder.ToNchw(rgb, width, height, normalization, tensor.GetTensorMutableDataAsSpan<float>());
        return tensor;
    }
}
