// Compile-only surrogate (see the .csproj): signatures from microsoft/durabletask-dotnet's public source (Abstractions
// and Client.Core, as brought by Worker.Extensions.DurableTask 1.16.5). RetryPolicy's constructor checks and its
// failure predicate behave as the SDK documents, so a test can ask the predicate what Durable would retry.
#pragma warning disable CA1019, CA1716, CA1720, CA2225
namespace Microsoft.DurableTask
{
    public readonly struct TaskName : IEquatable<TaskName>
    {
        public TaskName(string name) => Name = name;

        public string Name { get; }

        public static implicit operator TaskName(string value) => new(value);

        public bool Equals(TaskName other) => string.Equals(Name, other.Name, StringComparison.OrdinalIgnoreCase);

        public override bool Equals(object? obj) => obj is TaskName other && Equals(other);

        public override int GetHashCode() => StringComparer.OrdinalIgnoreCase.GetHashCode(Name ?? "");

        public override string ToString() => Name;
    }

    public record TaskFailureDetails(string ErrorType, string ErrorMessage, string? StackTrace, TaskFailureDetails? InnerFailure);

    public sealed class TaskFailedException : Exception
    {
        public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
            : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails.ErrorMessage}")
        {
            TaskName = taskName;
            TaskId = taskId;
            FailureDetails = failureDetails;
        }

        public string TaskName { get; }

        public int TaskId { get; }

        public TaskFailureDetails FailureDetails { get; }
    }

    public class RetryPolicy
    {
        public RetryPolicy(
            int maxNumberOfAttempts,
            TimeSpan firstRetryInterval,
            double backoffCoefficient = 1.0,
            TimeSpan? maxRetryInterval = null,
            TimeSpan? retryTimeout = null)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxNumberOfAttempts);
            ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
            ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
            if (maxRetryInterval < firstRetryInterval && maxRetryInterval != Timeout.InfiniteTimeSpan)
            {
                throw new ArgumentOutOfRangeException(nameof(maxRetryInterval));
            }

            MaxNumberOfAttempts = maxNumberOfAttempts;
            FirstRetryInterval = firstRetryInterval;
            BackoffCoefficient = backoffCoefficient;
            MaxRetryInterval = maxRetryInterval ?? TimeSpan.FromHours(1);
            RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
        }

        public int MaxNumberOfAttempts { get; }

        public TimeSpan FirstRetryInterval { get; }

        public double BackoffCoefficient { get; }

        public TimeSpan MaxRetryInterval { get; }

        public TimeSpan RetryTimeout { get; }

        /// <summary>Whether a failure is retried; the SDK's default retries every failure.</summary>
        public Func<TaskFailureDetails, bool> HandleFailure { get; init; } = _ => true;
    }

    public class TaskRetryOptions
    {
        public TaskRetryOptions(RetryPolicy policy) => Policy = policy;

        public RetryPolicy? Policy { get; }

        public static implicit operator TaskRetryOptions(RetryPolicy policy) => new(policy);
    }

    public record TaskOptions
    {
        public TaskOptions(TaskRetryOptions? retry = null, IDictionary<string, string>? tags = null)
        {
            Retry = retry;
            Tags = tags;
        }

        public TaskRetryOptions? Retry { get; init; }

        public IDictionary<string, string>? Tags { get; init; }

        public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(policy);
    }

    public record StartOrchestrationOptions
    {
        public StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
        {
            this.InstanceId = InstanceId;
            this.StartAt = StartAt;
        }

        public string? InstanceId { get; init; }

        public DateTimeOffset? StartAt { get; init; }
    }

    public abstract class TaskOrchestrationContext
    {
        public abstract TaskName Name { get; }

        public abstract string InstanceId { get; }

        public abstract DateTime CurrentUtcDateTime { get; }

        public abstract bool IsReplaying { get; }

        public abstract T? GetInput<T>();

        public abstract Task<T> CallActivityAsync<T>(TaskName name, object? input = null, TaskOptions? options = null);

        public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

        public abstract void SetCustomStatus(object? customStatus);

        public abstract Guid NewGuid();
    }
}

namespace Microsoft.DurableTask.Client
{
    public sealed class OrchestrationMetadata
    {
        public OrchestrationMetadata(string name, string instanceId)
        {
            Name = name;
            InstanceId = instanceId;
        }

        public string Name { get; }

        public string InstanceId { get; }
    }

    public record PurgeInstanceOptions(bool Recursive = false);

    public class TerminateInstanceOptions
    {
        public object? Output { get; init; }

        public bool Recursive { get; init; }
    }

    public class PurgeResult
    {
        public PurgeResult(int count) => PurgedInstanceCount = count;

        public int PurgedInstanceCount { get; }
    }

    public abstract class DurableTaskClient : IAsyncDisposable
    {
        protected DurableTaskClient(string name) => Name = name;

        public string Name { get; }

        public abstract Task<string> ScheduleNewOrchestrationInstanceAsync(
            TaskName orchestratorName,
            object? input = null,
            StartOrchestrationOptions? options = null,
            CancellationToken cancellation = default);

        public virtual Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, CancellationToken cancellation)
            => GetInstanceAsync(instanceId, false, cancellation);

        public virtual Task<OrchestrationMetadata?> GetInstanceAsync(
            string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellation = default)
            => throw new NotSupportedException();

        public virtual Task TerminateInstanceAsync(string instanceId, CancellationToken cancellation)
            => TerminateInstanceAsync(instanceId, (TerminateInstanceOptions?)null, cancellation);

        public virtual Task TerminateInstanceAsync(
            string instanceId, TerminateInstanceOptions? options = null, CancellationToken cancellation = default)
            => throw new NotSupportedException();

        public virtual Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellation)
            => PurgeInstanceAsync(instanceId, null, cancellation);

        public virtual Task<PurgeResult> PurgeInstanceAsync(
            string instanceId, PurgeInstanceOptions? options = null, CancellationToken cancellation = default)
            => throw new NotSupportedException();

        public abstract ValueTask DisposeAsync();
    }
}
