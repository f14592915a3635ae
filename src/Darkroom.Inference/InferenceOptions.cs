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

    /// <summary>
    /// Threads inside one inference; 0 means one per core this process may use. (Not ONNX Runtime's own default: on
    /// the 2-vCPU development machine it ran ISNet on one thread, 3.8 s a pass against 2.0 s on two.)
    /// </summary>
    [Range(0, 256)]
    public int IntraOpThreads { get; set; }

    [Range(0, 256)]
    public int InterOpThreads { get; set; }

    /// <summary>ONNX Runtime's executor: <c>sequential</c> (one operator at a time) or <c>parallel</c> (independent operators side by side on the inter-op threads).</summary>
    [RegularExpression("^(sequential|parallel)$")]
    public string ExecutionMode { get; set; } = "sequential";

    /// <summary>
    /// ONNX Runtime's CPU arena keeps the largest activations allocated between runs, so memory never goes back after
    /// a burst. Off by default: measured on ISNet fp32, 2 cores, one process (<c>bench</c>: ortm figures in the
    /// README), the arena held 2.16 GiB after a pass at graph level <c>all</c> against 0.47 GiB without it.
    /// </summary>
    public bool CpuMemoryArena { get; set; }

    /// <summary>
    /// ONNX Runtime's memory pattern plans one block for a pass's activations up front: faster, but the block is the
    /// sum of the plan's peaks. Off by default (peak 1.06 GiB with it, 0.89 GiB without, at level <c>extended</c>).
    /// </summary>
    public bool MemoryPattern { get; set; }

    /// <summary>
    /// Graph optimisation: <c>basic</c>, <c>extended</c> or <c>all</c>. <c>all</c> adds layout transforms that
    /// pre-pack every weight a second time (ISNet's session: 0.47 GiB loaded against 0.15 GiB at <c>extended</c>)
    /// for about 10-15 % faster passes on this CPU; <c>extended</c> is the default, for memory.
    /// </summary>
    [RegularExpression("^(basic|extended|all)$")]
    public string GraphOptimization { get; set; } = "extended";

    /// <summary>
    /// One forward pass per model at a time, each using all cores (see <see cref="LoadedModel"/>); off lets
    /// concurrent jobs run passes side by side (worth measuring on a machine with many more cores than one pass uses).
    /// </summary>
    public bool OnePassAtATime { get; set; } = true;

    /// <summary>Model used by remove-background when the job names none.</summary>
    [Required]
    public string DefaultSegmentationModel { get; set; } = "isnet";

    /// <summary>Catalog id of the inpainting model used by remove-watermark when installed (model <c>auto</c> or <c>lama</c>).</summary>
    [Required]
    public string InpaintingModel { get; set; } = "lama";

    /// <summary>Models loaded and warmed up at start, so the first job does not pay for it.</summary>
    /// <remarks>Comma-separated catalog ids; empty loads nothing up front.</remarks>
    public string Preload { get; set; } = "isnet";

    /// <summary>
    /// Whether ONNX Runtime's threads spin between operators waiting for the next one (its own default) instead of
    /// sleeping: a spinning thread holds its core while another job's decode, refinement or encoding waits for it.
    /// </summary>
    public bool IntraOpSpinning { get; set; }
}
