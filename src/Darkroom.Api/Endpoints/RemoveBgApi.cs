using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Darkroom.Api.Jobs;
using Darkroom.Core;
using Darkroom.Core.Errors;
using Darkroom.Core.Jobs;
using Darkroom.Core.Ports;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace Darkroom.Api.Endpoints;

/// <summary>
/// remove.bg's <c>POST /v1.0/removebg</c>, so an existing remove.bg client works by changing only its base URL: its
/// field names (form, urlencoded or JSON), its <c>X-Api-Key</c> header, its answers (the image with its headers, or
/// <c>{"data":{"result_b64":…}}</c> for <c>Accept: application/json</c>) and its error shape
/// (<c>{"errors":[{"title","code","detail"}]}</c>; 400 for bad input, 402 out of credits, 403 bad key, 429 rate).
/// What Darkroom cannot honour (remove.bg's intermediate sizes, car type, zip, roi, scale, position) is a 400 before
/// any work or charge.
/// </summary>
public static class RemoveBgApi
{
    /// <summary>The fields remove.bg documents for this route; anything else is refused like an unknown option.</summary>
    private static readonly HashSet<string> Fields = new(StringComparer.Ordinal)
    {
        "image_file", "image_file_b64", "image_url", "size", "type", "type_level", "format", "roi", "crop", "crop_margin",
        "scale", "position", "channels", "add_shadow", "semitransparency", "bg_color", "bg_image_url", "bg_image_file",
    };

    private static readonly Dictionary<string, string> Colours = new(StringComparer.OrdinalIgnoreCase)
    {
        ["white"] = "#ffffff", ["black"] = "#000000", ["red"] = "#ff0000", ["green"] = "#008000", ["blue"] = "#0000ff",
        ["yellow"] = "#ffff00", ["gray"] = "#808080", ["grey"] = "#808080", ["orange"] = "#ffa500", ["purple"] = "#800080",
        ["pink"] = "#ffc0cb", ["brown"] = "#a52a2a", ["cyan"] = "#00ffff", ["magenta"] = "#ff00ff",
    };

    public static IEndpointRouteBuilder MapRemoveBgApi(this IEndpointRouteBuilder app)
    {
        foreach (string path in new[] { "/" + ApiRoutes.Prefix + "/" + ApiRoutes.RemoveBg, "/" + ApiRoutes.RemoveBg })
        {
            app.MapPost(path, (HttpRequest request, [AsParameters] ApiServices services, Core.Ports.IJobStarter starter, CancellationToken cancellationToken) =>
                    RunAsync(request, services, starter, cancellationToken))
                .WithTags("remove.bg compatible")
                .WithSummary("remove.bg's POST /v1.0/removebg: the same fields, headers, answers and errors")
                .DisableAntiforgery()
                .Accepts<IFormFile>("multipart/form-data", "application/x-www-form-urlencoded", "application/json")
                .Produces(200, contentType: "image/png", additionalContentTypes: ["image/jpeg", "image/webp", "application/json"])
                .Produces(400, contentType: "application/json");
        }

        return app;
    }

    public static async Task<IResult> RunAsync(HttpRequest request, ApiServices services, Core.Ports.IJobStarter starter, CancellationToken cancellationToken)
    {
        try
        {
            Core.Accounts.Account account = (await services.Caller.KeyOfAsync(request.HttpContext)).ToAccount();
            Dictionary<string, string> fields = [];
            Dictionary<string, (byte[] Bytes, string Name)> files = [];
            await ReadAsync(request, services, fields, files, cancellationToken);

            string? unknown = fields.Keys.Concat(files.Keys).FirstOrDefault(k => !Fields.Contains(k));
            if (unknown is not null)
            {
                throw Invalid($"Unknown parameter '{BlobNames.Printable(unknown, 60)}'.");
            }

            string optionsJson = Options(fields, files.ContainsKey("bg_image_file"));
            (byte[] image, string? fileName) = await ImageAsync(fields, files, services, cancellationToken);
            byte[]? background = files.TryGetValue("bg_image_file", out (byte[] Bytes, string Name) bg) ? bg.Bytes
                : fields.TryGetValue("bg_image_url", out string? bgUrl) ? await services.Fetcher.FetchAsync("bg_image_url", bgUrl, cancellationToken)
                : null;
            if (background is not null && fields.ContainsKey("bg_color"))
            {
                throw Invalid("Give bg_color or a background image, not both.");
            }

            var submission = new JobSubmission(account, JobOperation.RemoveBackground, image, fileName, background, optionsJson, JobsApi.IdempotencyKey(request));
            SubmitOutcome outcome = await services.Submitter.SubmitAsync(submission, starter, cancellationToken);
            JobRecord job = await services.Waiter.WaitAsync(account.Tenant, outcome.Job.JobId, TimeSpan.FromSeconds(services.Api.Value.MaxWaitSeconds), cancellationToken) ?? outcome.Job;
            request.HttpContext.Response.Headers["X-Darkroom-Job-Id"] = job.JobId;
            if (job.Status is JobStatus.Failed or JobStatus.Canceled && job.Error is { } error)
            {
                return Error(error.Status, error.Code, error.Message);
            }

            if (job.Status != JobStatus.Completed || job.Result is null
                || await services.Artifacts.OpenReadAsync(job.Result.Blob, cancellationToken) is not { } stream)
            {
                return Error(503, ErrorCodes.JobNotReady, $"The image is still being processed; fetch it later from {JobsApi.BasePath}/jobs/{job.JobId}/result.");
            }

            await using (stream)
            {
                using var buffer = new MemoryStream();
                await stream.Content.CopyToAsync(buffer, cancellationToken);
                SyncResults.Describe(request.HttpContext.Response.Headers, job);
                if (request.Headers.Accept.Any(a => a?.Contains("application/json", StringComparison.OrdinalIgnoreCase) == true))
                {
                    var data = new JsonObject { ["result_b64"] = Convert.ToBase64String(buffer.GetBuffer(), 0, (int)buffer.Length) };
                    if (job.Result.Foreground is { } box)
                    {
                        data["foreground_top"] = box.Top;
                        data["foreground_left"] = box.Left;
                        data["foreground_width"] = box.Width;
                        data["foreground_height"] = box.Height;
                    }

                    return Results.Text(new JsonObject { ["data"] = data }.ToJsonString(), "application/json", statusCode: 200);
                }

                return Results.File(buffer.ToArray(), job.Result.ContentType, ResultNames.For(job, job.Result.Blob));
            }
        }
        catch (DarkroomException ex)
        {
            if (ex.RetryAfter is { } retry)
            {
                request.HttpContext.Response.Headers.RetryAfter = Math.Ceiling(retry.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }

            return Error(ex.Status, ex.Code, ex.Message);
        }
    }

    /// <summary>remove.bg's error shape and its status codes: 403 for a bad key, 402 for credits, 429 for rate, 400 for the rest of 4xx.</summary>
    private static IResult Error(int status, string code, string detail)
    {
        int mapped = status switch
        {
            401 or 403 => 403,
            402 => 402,
            429 => 429,
            >= 400 and < 500 => 400,
            _ => status,
        };
        var body = new JsonObject
        {
            ["errors"] = new JsonArray(new JsonObject { ["title"] = Title(code), ["code"] = code, ["detail"] = detail }),
        };
        return Results.Text(body.ToJsonString(), "application/json", statusCode: mapped);
    }

    private static string Title(string code) => code switch
    {
        ErrorCodes.AuthInvalidKey => "API Key invalid",
        ErrorCodes.QuotaExceeded => "Insufficient credits",
        ErrorCodes.RateLimited => "Rate limit exceeded",
        ErrorCodes.ImageMissing => "No image given",
        ErrorCodes.ImageTooLarge or ErrorCodes.UrlTooLarge => "File too large",
        ErrorCodes.UrlFetchFailed => "Failed to download image",
        _ => "Invalid parameters or input file unprocessable",
    };

    private static DarkroomException Invalid(string detail) => new(ErrorCodes.OptionsInvalid, 400, detail);

    /// <summary>remove.bg's fields as Darkroom's options (JSON, parsed and validated by the submission like any other).</summary>
    private static string Options(Dictionary<string, string> fields, bool hasBackgroundFile)
    {
        string Get(string name, string fallback) => fields.TryGetValue(name, out string? value) && !string.IsNullOrWhiteSpace(value) ? value.Trim() : fallback;
        bool Flag(string name) => Get(name, "false").ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" => false,
            string other => throw Invalid($"{name} must be true or false, not '{BlobNames.Printable(other, 20)}'."),
        };

        var options = new JsonObject();
        options["size"] = Get("size", "auto").ToLowerInvariant() switch
        {
            "auto" or "full" or "50mp" => "full",
            "preview" or "small" or "regular" => "preview",
            string other => throw Invalid($"size '{BlobNames.Printable(other, 20)}' has no equivalent here: use preview (0.25 MP) or full (the photo's size)."),
        };
        options["type"] = Get("type", "auto").ToLowerInvariant() switch
        {
            "auto" => "auto",
            "person" => "person",
            "product" => "product",
            "animal" => "animal",
            "graphic" => "graphic",
            string other => throw Invalid($"type '{BlobNames.Printable(other, 20)}' is not offered: use auto, person, product, animal or graphic."),
        };
        if (Get("type_level", "1") is not ("none" or "1" or "latest"))
        {
            throw Invalid("type_level: only none, 1 and latest are offered (the top-level type).");
        }

        if (Get("roi", "0% 0% 100% 100%") is not "0% 0% 100% 100%" and var roi)
        {
            throw Invalid($"roi '{BlobNames.Printable(roi, 40)}' is not offered: the whole photo is always considered.");
        }

        if (Get("scale", "original") != "original" || Get("position", "original") != "original")
        {
            throw Invalid("scale and position are not offered; only 'original'.");
        }

        string? colour = fields.TryGetValue("bg_color", out string? bgColour) ? Colour(bgColour) : null;
        if (colour is not null)
        {
            options["background"] = colour;
        }

        bool opaque = colour is not null || hasBackgroundFile || fields.ContainsKey("bg_image_url");
        string channels = Get("channels", "rgba").ToLowerInvariant();
        options["channels"] = channels is "rgba" or "alpha" ? channels : throw Invalid("channels must be rgba or alpha.");
        options["format"] = Get("format", "auto").ToLowerInvariant() switch
        {
            // remove.bg's auto: PNG while the result has transparency, JPEG once it is opaque.
            "auto" => opaque ? "jpeg" : "png",
            "png" => "png",
            "jpg" or "jpeg" => "jpeg",
            "webp" => "webp",
            string other => throw Invalid($"format '{BlobNames.Printable(other, 20)}' is not offered: use auto, png, jpg or webp."),
        };
        options["crop"] = Flag("crop");
        string margin = Get("crop_margin", "0");
        options["cropMargin"] = int.TryParse(margin.EndsWith("px", StringComparison.Ordinal) ? margin[..^2] : margin, NumberStyles.None, CultureInfo.InvariantCulture, out int px)
            ? px
            : throw Invalid($"crop_margin '{BlobNames.Printable(margin, 20)}': only pixels are offered (for example 30 or 30px), not percentages.");
        options["shadow"] = Flag("add_shadow");
        _ = Flag("semitransparency");   // Darkroom's mattes are always soft; either value is honoured as is.
        return options.ToJsonString();
    }

    /// <summary>A remove.bg colour: hex with or without '#', 3 or 6 digits, or a basic colour name.</summary>
    private static string Colour(string value)
    {
        string text = value.Trim().TrimStart('#');
        if (Colours.TryGetValue(text, out string? named))
        {
            return named;
        }

        if (text.Length == 3 && text.All(char.IsAsciiHexDigit))
        {
            text = string.Concat(text.Select(c => $"{c}{c}"));
        }

        return text.Length == 6 && text.All(char.IsAsciiHexDigit)
            ? "#" + text.ToLowerInvariant()
            : throw Invalid($"bg_color '{BlobNames.Printable(value, 20)}' is not a colour: give hex (81d4fa, fff) or a basic colour name.");
    }

    private static async Task<(byte[] Image, string? FileName)> ImageAsync(
        Dictionary<string, string> fields, Dictionary<string, (byte[] Bytes, string Name)> files, ApiServices services, CancellationToken cancellationToken)
    {
        int given = (files.ContainsKey("image_file") ? 1 : 0) + (fields.ContainsKey("image_file_b64") ? 1 : 0) + (fields.ContainsKey("image_url") ? 1 : 0);
        if (given != 1)
        {
            throw new DarkroomException(ErrorCodes.ImageMissing, 400, given == 0 ? "Give one of image_file, image_file_b64 or image_url." : "Give only one of image_file, image_file_b64 and image_url.");
        }

        if (files.TryGetValue("image_file", out (byte[] Bytes, string Name) file))
        {
            return (file.Bytes, file.Name);
        }

        if (fields.TryGetValue("image_url", out string? url))
        {
            return (await services.Fetcher.FetchAsync("image_url", url, cancellationToken), UploadReader.UrlFileName(url));
        }

        string b64 = fields["image_file_b64"];
        if (b64.Length > (services.Imaging.Value.MaxUploadBytes / 3 * 4) + 4)
        {
            throw services.Probe.TooLarge(b64.Length / 4 * 3);
        }

        try
        {
            return (Convert.FromBase64String(b64), null);
        }
        catch (FormatException)
        {
            throw new DarkroomException(ErrorCodes.ImageCorrupt, 400, "image_file_b64 is not base64.");
        }
    }

    /// <summary>The request's fields and files: multipart or urlencoded form, or a JSON object of fields.</summary>
    private static async Task ReadAsync(
        HttpRequest request, ApiServices services, Dictionary<string, string> fields, Dictionary<string, (byte[] Bytes, string Name)> files, CancellationToken cancellationToken)
    {
        if (request.HasJsonContentType())
        {
            JsonElement body;
            try
            {
                body = await JsonSerializer.DeserializeAsync<JsonElement>(request.Body, cancellationToken: cancellationToken);
            }
            catch (JsonException ex)
            {
                throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"The JSON body is not valid: {BlobNames.Printable(ex.Message, 200)}");
            }

            if (body.ValueKind != JsonValueKind.Object)
            {
                throw new DarkroomException(ErrorCodes.RequestInvalid, 400, "The JSON body must be an object of remove.bg's fields.");
            }

            foreach (JsonProperty property in body.EnumerateObject())
            {
                fields[property.Name] = property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString()! : property.Value.GetRawText();
            }

            return;
        }

        if (!request.HasFormContentType)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 415, "Send multipart/form-data, application/x-www-form-urlencoded or application/json with remove.bg's fields.");
        }

        IFormCollection form = await UploadReader.ReadFormAsync(request, cancellationToken);
        foreach ((string key, Microsoft.Extensions.Primitives.StringValues value) in form)
        {
            fields[key] = value.ToString();
        }

        foreach (IFormFile file in form.Files)
        {
            files[file.Name] = (await UploadReader.ReadFileAsync(file, services.Probe, services.Imaging.Value, cancellationToken), file.FileName);
        }
    }
}
