using Darkroom.Core.Accounts;
using Darkroom.Core.Errors;
using Darkroom.Core.Images;

namespace Darkroom.Api.Jobs;

/// <summary>A plan's upload and pixel limits, for every route that takes a photo (jobs, batches, classify).</summary>
public static class PlanChecks
{
    public static void CheckBytes(Account account, long length, PlanLimits limits)
    {
        if (limits.MaxUploadBytes is { } maxBytes && length > maxBytes)
        {
            throw new DarkroomException(
                ErrorCodes.ImageTooLarge,
                413,
                $"The {account.Plan} plan takes uploads up to {maxBytes / 1048576.0:0.#} MB; this one is {length / 1048576.0:0.#} MB.");
        }
    }

    public static void CheckPixels(Account account, ImageFacts facts, PlanLimits limits)
    {
        double megapixels = (double)facts.Width * facts.Height / 1e6;
        if (limits.MaxMegapixels is { } max && megapixels > max)
        {
            throw new DarkroomException(
                ErrorCodes.ImageTooManyPixels,
                413,
                $"The {account.Plan} plan takes photos up to {max:0.#} megapixels; this one is {facts.Width}x{facts.Height} ({megapixels:0.#} MP).");
        }
    }
}
