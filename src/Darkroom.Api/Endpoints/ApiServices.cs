using Darkroom.Api.Jobs;
using Darkroom.Core.Ports;
using Darkroom.Imaging;
using Microsoft.Extensions.Options;

namespace Darkroom.Api.Endpoints;

/// <summary>What the job handlers need, taken as one parameter so a Functions trigger can pass the same set.</summary>
public sealed record ApiServices(
    JobSubmitter Submitter,
    JobWaiter Waiter,
    JobRemover Remover,
    IJobStore Jobs,
    IArtifactStore Artifacts,
    ImageProbe Probe,
    Caller Caller,
    IOptions<ApiOptions> Api,
    IOptions<ImagingOptions> Imaging,
    Darkroom.Pipeline.Fetching.ImageFetcher Fetcher);
