using Darkroom.Imaging;

namespace Darkroom.Inference;

/// <summary>One catalog entry: which file, its hash, and how the model wants its input.</summary>
public sealed record ModelSpec
{
    public required string Id { get; init; }

    /// <summary>segmentation, text-detection, inpainting, classification, ...</summary>
    public required string Task { get; init; }

    public required string File { get; init; }

    public required string Sha256 { get; init; }

    public long Bytes { get; init; }

    public required ModelInputSpec Input { get; init; }

    public required string Output { get; init; }

    /// <summary>What the output's 1.0 means in 8-bit pixels: 1 for a [0, 255] output, 255 for a [0, 1] output.</summary>
    public float OutputScale { get; init; } = 1;

    /// <summary>Extra inputs after the first, by name (LaMa's <c>mask</c>).</summary>
    public string[] ExtraInputs { get; init; } = [];

    /// <summary>A file beside the model that names its outputs: the recogniser's character list, the classifier's category map.</summary>
    public string? Vocabulary { get; init; }

    public string? Licence { get; init; }

    public string? Source { get; init; }

    /// <summary>Where a production deployment downloads the file from; null for development models installed from packages.</summary>
    public Uri? Url { get; init; }
}

/// <summary>The input tensor: its name, fixed size (0 = dynamic) and normalisation on 0..255 values.</summary>
public sealed record ModelInputSpec(string Name, int Width, int Height, float[] Mean, float[] Std)
{
    public ChannelNormalization Normalization => new(Mean, Std);
}
