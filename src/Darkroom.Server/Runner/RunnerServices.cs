using Darkroom.Core.Ports;
using Darkroom.Pipeline;
using Microsoft.Extensions.Logging;

namespace Darkroom.Server.Runner;

/// <summary>What the runner and its workflow contexts share.</summary>
internal sealed record RunnerServices(
    IJobStore Jobs,
    ICheckpointStore Checkpoints,
    IArtifactStore Artifacts,
    ActivityDispatcher Dispatcher,
    TimeProvider Clock,
    ILogger<LocalWorkflowRunner> Logger,
    TimeSpan ParkRetriesLongerThan);
