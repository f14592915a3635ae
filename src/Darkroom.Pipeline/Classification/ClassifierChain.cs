using System.Diagnostics;
using Darkroom.Core.Classification;
using Microsoft.Extensions.Options;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// Runs the configured steps in order, each within its time budget; the first verdict at or above
/// <see cref="ClassifyOptions.MinConfidence"/> decides. A step that fails, times out or is unsure passes to the
/// next. When none decides: <c>other</c> with low confidence, never an invented answer.
/// </summary>
public sealed class ClassifierChain(IEnumerable<IClassifierStep> steps, IOptions<ClassifyOptions> options)
{
    public const double UndecidedConfidence = 0.2;

    private readonly Dictionary<string, IClassifierStep> _steps = steps.ToDictionary(s => s.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The chain as configured, for the cache version and /health-like reporting.</summary>
    public string Describe() => string.Join(">", options.Value.Steps());

    /// <param name="localOnly">Skip every remote step, whatever the mode (<c>/local-classify</c>).</param>
    public async Task<ClassificationResult> ClassifyAsync(ClassifierInput input, CancellationToken cancellationToken, bool localOnly = false)
    {
        ClassifyOptions o = options.Value;
        var timings = new List<ClassifierStepTiming>();
        foreach (string name in o.Steps(localOnly))
        {
            if (!_steps.TryGetValue(name, out IClassifierStep? step))
            {
                timings.Add(new ClassifierStepTiming(name, "unknown step", 0));
                continue;
            }

            var stopwatch = Stopwatch.StartNew();
            using var budget = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            budget.CancelAfter(o.BudgetOf(step.Name));
            StepOutcome outcome;
            try
            {
                outcome = await step.ClassifyAsync(input, budget.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                outcome = StepOutcome.Pass($"no answer within {o.BudgetOf(step.Name)} ms");
            }
            catch (Exception ex) when (ex is HttpRequestException or Core.Errors.DarkroomException or NetVips.VipsException or Microsoft.ML.OnnxRuntime.OnnxRuntimeException)
            {
                outcome = StepOutcome.Pass($"failed: {ex.Message.Split('\n')[0]}");
            }

            bool decides = outcome.Verdict is { } v && v.Confidence >= o.MinConfidence;
            timings.Add(new ClassifierStepTiming(step.Name, decides ? $"{outcome.Verdict!.Category} ({outcome.Reason})" : $"passed: {outcome.Reason}", stopwatch.ElapsedMilliseconds));
            if (decides)
            {
                ClassifierVerdict verdict = outcome.Verdict!;
                return new ClassificationResult(verdict.Category, Math.Round(verdict.Confidence, 3), verdict.Description, step.Method, verdict.Model, verdict.ModelVersion, timings);
            }
        }

        return new ClassificationResult(
            Categories.Other,
            UndecidedConfidence,
            localOnly || o.Mode == "local-only"
                ? "No local step could decide. Screenshots and ID documents are decided by rules; people, pets, food and places by the photo step's models when installed (its outcome in steps says what is missing), otherwise they need a remote endpoint (Darkroom:Classify:Remote)."
                : "No classifier in the chain could decide; install the photo step's models or configure a remote endpoint (Darkroom:Classify:Remote) for photos of people, pets, food and places.",
            ClassifyMethods.Local,
            "chain",
            o.Version,
            timings);
    }
}
