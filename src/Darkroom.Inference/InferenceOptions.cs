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
    /// Graph optimisation: <c>basic</c>, <c>extended</c> or <c>all</c>. <c>all</c> (the default) adds ONNX Runtime's
    /// blocked-layout convolutions: on ISNet widened to float32 (<see cref="WidenHalfModels"/>), measured with
    /// <c>bench --session-memory</c> on the 2-core development machine, a pass takes 3.1 s of CPU against 4.2 s at
    /// <c>extended</c> (one thread each; 4.6-4.9 s for the stored file at <c>extended</c>, the old default) and
    /// 1.7-2.1 s against 2.2-2.5 s on two threads, for a session peak of 1.04 GiB against 0.88-0.91 GiB. On the stored float16 file <c>all</c> cost 1.3 GiB, which is why it was not the default before.
    /// </summary>
    [RegularExpression("^(basic|extended|all)$")]
    public string GraphOptimization { get; set; } = "all";

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

    /// <summary>
    /// On the CPU, a model stored in float16 is loaded widened to float32 (<see cref="HalfWidening"/>). ISNet as
    /// installed here is such a file: ONNX Runtime's CPU provider otherwise casts around each of its 119 convolutions on
    /// every pass. Off loads every file as it is.
    /// </summary>
    public bool WidenHalfModels { get; set; } = true;
}
