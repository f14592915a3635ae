using System.Text.Json;
using System.Text.Json.Serialization;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;

namespace Darkroom.Core.Options;

/// <summary>Turns the caller's <c>options</c> JSON into typed options, refusing unknown members and bad values.</summary>
public static class JobOptionsParser
{
    private static readonly JsonSerializerOptions Strict = new(JsonSerializerDefaults.Web)
    {
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        AllowTrailingCommas = false,
    };

    public static JobOptions Parse(JobOperation operation, string? json, bool hasBackgroundImage)
    {
        switch (operation)
        {
            case JobOperation.RemoveBackground:
                RemoveBackgroundOptions options = Deserialize<RemoveBackgroundOptions>(json) ?? new RemoveBackgroundOptions();
                options.Validate(hasBackgroundImage);
                return new JobOptions { RemoveBackground = options };
            case JobOperation.RemoveWatermark:
                RemoveWatermarkOptions watermark = Deserialize<RemoveWatermarkOptions>(json) ?? new RemoveWatermarkOptions();
                watermark.Validate();
                return new JobOptions { RemoveWatermark = watermark };
            case JobOperation.Classify:
                return new JobOptions { Classify = Deserialize<ClassifyJobOptions>(json) ?? new ClassifyJobOptions() };
            default:
                throw new ArgumentOutOfRangeException(nameof(operation));
        }
    }

    /// <summary>Options are a few short members; anything longer is refused before parsing.</summary>
    public const int MaxOptionsLength = 16 * 1024;

    private static T? Deserialize<T>(string? json)
        where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        if (json.Length > MaxOptionsLength)
        {
            throw Problems.InvalidOptions($"options is {json.Length} characters; at most {MaxOptionsLength} are accepted.");
        }

        try
        {
            return JsonSerializer.Deserialize<T>(json, Strict);
        }
        catch (JsonException ex) when (ex.Message.Contains("could not be mapped", StringComparison.Ordinal))
        {
            throw new DarkroomException(ErrorCodes.OptionsUnknown, 400, $"options has a member this operation does not know: {Ports.BlobNames.Printable(ex.Path ?? ex.Message, 100)}.");
        }
        catch (JsonException ex)
        {
            throw Problems.InvalidOptions($"options is not valid JSON for this operation at {Ports.BlobNames.Printable(ex.Path ?? "$", 100)}: {Ports.BlobNames.Printable(ex.Message, 300)}");
        }
    }
}
