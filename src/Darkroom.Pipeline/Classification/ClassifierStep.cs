namespace Darkroom.Pipeline.Classification;

/// <summary>A step's answer: a category it is this sure of, described in a sentence, by this model.</summary>
public sealed record ClassifierVerdict(string Category, double Confidence, string Description, string Model, string ModelVersion);

/// <summary>What a step made of the photo: a verdict, or none with the reason it passed.</summary>
public sealed record StepOutcome(ClassifierVerdict? Verdict, string Reason)
{
    public static StepOutcome Pass(string reason) => new(null, reason);
}

/// <summary>One link of the classifier chain.</summary>
public interface IClassifierStep
{
    /// <summary>The name the chain's configuration uses.</summary>
    string Name { get; }

    /// <summary>local or remote.</summary>
    string Method { get; }

    Task<StepOutcome> ClassifyAsync(ClassifierInput input, CancellationToken cancellationToken);
}
