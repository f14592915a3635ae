using System.ComponentModel.DataAnnotations;

namespace Darkroom.Inference;

/// <summary>Where models are and how they run, bound from <c>Darkroom:Inference</c>.</summary>
public sealed class InferenceOptions
{
    public const string Section = "Darkroom:Inference";

    /// <summary>Folder holding the model files named in the catalog.</summary>
    [Required]
    public string ModelDirectory { get; set; } = "models";

    /// <summary>A catalog to use instead of the built-in one.</summary>
    public string? CatalogPath { get; set; }

    /// <summary><c>cpu</c>, <c>cuda</c> or <c>auto</c> (CUDA when the build and machine have it, else CPU).</summary>
    [RegularExpression("^(cpu|cuda|auto)$")]
    public string ExecutionProvider { get; set; } = "auto";

    public int CudaDeviceId { get; set; }

    /// <summary>Threads inside one inference; 0 lets ONNX Runtime choose (one per core).</summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    [Range(0, 256)]
    public int InterOpThreads { get; set; }

    /// <summary>
    /// ONNX Runtime's CPU arena keeps the largest activations allocated between runs. On by default (ORT's own
    /// default); measured on ISNet fp32, 2 cores: off cuts peak RSS from about 2.2 GiB to 1.4 GiB and costs about
    /// 20% latency (README, "Figures").
    /// </summary>
    public bool CpuMemoryArena { get; set; } = true;

    /// <summary>Model used by remove-background when the job names none.</summary>
    [Required]
    public string DefaultSegmentationModel { get; set; } = "isnet";

    /// <summary>Models loaded and warmed up at start, so the first job does not pay for it.</summary>
    /// <summary>Catalog id of the inpainting model used by remove-watermark when installed (model <c>auto</c> or <c>lama</c>).</summary>
    [Required]
    public string InpaintingModel { get; set; } = "lama";

    /// <remarks>Comma-separated catalog ids; empty loads nothing up front.</remarks>
    public string Preload { get; set; } = "isnet";
}
