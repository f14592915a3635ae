namespace Darkroom.Pipeline.Activities;

/// <summary>One step of a job: a request record in, a result record out, both JSON-serialisable for Durable.</summary>
public interface IActivity<in TRequest, TResult>
{
    Task<TResult> RunAsync(TRequest request, CancellationToken cancellationToken);
}
