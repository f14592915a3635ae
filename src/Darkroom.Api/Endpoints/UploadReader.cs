using Darkroom.Core.Errors;
using Darkroom.Imaging;
using Microsoft.AspNetCore.Http;

namespace Darkroom.Api.Endpoints;

/// <summary>The parts of a multipart job request.</summary>
public sealed record Upload(byte[] Image, string? FileName, byte[]? Background, string? OptionsJson, string? Operation, byte[]? Mask, string? CallbackUrl = null);

/// <summary>The parts of a multipart batch request: each photo, and one options, operation and callback for all.</summary>
public sealed record BatchUpload(IReadOnlyList<(byte[] Bytes, string FileName)> Images, string? Options, string? Operation, string? CallbackUrl);

/// <summary>Reads a multipart job request, enforcing the size limit before buffering anything it can.</summary>
public static class UploadReader
{
    private static readonly HashSet<string> KnownFields = new(StringComparer.Ordinal) { "image", "background", "mask", "options", "operation", "callbackUrl", "imageUrl", "backgroundUrl", "maskUrl" };

    /// <summary>Room for a background image beside the photo, plus multipart framing.</summary>
    public static long MaxRequestBytes(ImagingOptions limits) => (limits.MaxUploadBytes * 2) + (1 << 20);

    /// <param name="fetcher">Fetches <c>imageUrl</c>, <c>backgroundUrl</c> and <c>maskUrl</c> (each instead of its file part).</param>
    public static async Task<Upload> ReadAsync(HttpRequest request, ImageProbe probe, ImagingOptions limits, Darkroom.Pipeline.Fetching.ImageFetcher fetcher, CancellationToken cancellationToken)
    {
        if (request.ContentLength is long length && length > MaxRequestBytes(limits))
        {
            throw probe.TooLarge(length);
        }

        if (!request.HasFormContentType)
        {
            throw new DarkroomException(
                ErrorCodes.RequestInvalid,
                415,
                "Send multipart/form-data with the photo in a part named 'image' (and optionally 'background' and 'options').");
        }

        IFormCollection form = await ReadFormAsync(request, cancellationToken);
        string? unknown = form.Keys.Concat(form.Files.Select(f => f.Name)).FirstOrDefault(k => !KnownFields.Contains(k));
        if (unknown is not null)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"Unknown form field '{Darkroom.Core.Ports.BlobNames.Printable(unknown, 60)}'; expected image or imageUrl, background or backgroundUrl, mask or maskUrl, options, operation, callbackUrl.");
        }

        IFormFile? image = form.Files.GetFile("image");
        IFormFile? background = form.Files.GetFile("background");
        IFormFile? mask = form.Files.GetFile("mask");
        string? imageUrl = OneOf(form, image, "image", "imageUrl");
        string? backgroundUrl = OneOf(form, background, "background", "backgroundUrl");
        string? maskUrl = OneOf(form, mask, "mask", "maskUrl");
        if (image is null && imageUrl is null)
        {
            throw new DarkroomException(ErrorCodes.ImageMissing, 400, "No file in the form part 'image' and no 'imageUrl'.");
        }

        string? options = form.TryGetValue("options", out Microsoft.Extensions.Primitives.StringValues optionValues) ? optionValues.ToString() : null;
        if (options is null && form.Files.GetFile("options") is { } optionsFile)
        {
            using var reader = new StreamReader(optionsFile.OpenReadStream());
            options = await reader.ReadToEndAsync(cancellationToken);
        }

        string? operation = form.TryGetValue("operation", out Microsoft.Extensions.Primitives.StringValues operationValues) ? operationValues.ToString() : null;
        return new Upload(
            image is not null ? await ReadFileAsync(image, probe, limits, cancellationToken) : await fetcher.FetchAsync("imageUrl", imageUrl!, cancellationToken),
            image is not null ? image.FileName : UrlFileName(imageUrl!),
            background is not null ? await ReadPartAsync(background, limits, ErrorCodes.BackgroundInvalid, "background image", cancellationToken)
                : backgroundUrl is not null ? await fetcher.FetchAsync("backgroundUrl", backgroundUrl, cancellationToken) : null,
            options,
            operation,
            mask is not null ? await ReadPartAsync(mask, limits, ErrorCodes.MaskTooLarge, "mask", cancellationToken)
                : maskUrl is not null ? await fetcher.FetchAsync("maskUrl", maskUrl, cancellationToken) : null,
            Field(form, "callbackUrl"));
    }

    /// <summary>The URL field beside a file part; giving both is refused.</summary>
    private static string? OneOf(IFormCollection form, IFormFile? file, string fileField, string urlField)
    {
        string? url = Field(form, urlField);
        if (file is not null && url is not null)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"Give either the file part '{fileField}' or '{urlField}', not both.");
        }

        return string.IsNullOrWhiteSpace(url) ? null : url.Trim();
    }

    /// <summary>The last path segment of an image URL, as the job's file name (null when it has none).</summary>
    public static string? UrlFileName(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out Uri? uri) && Uri.UnescapeDataString(uri.AbsolutePath.TrimEnd('/')).Split('/')[^1] is { Length: > 0 } last ? last : null;

    /// <summary>A batch request: every file part named <c>images</c>, with one <c>operation</c> and one <c>options</c>.</summary>
    public static async Task<BatchUpload> ReadBatchAsync(
        HttpRequest request, ImageProbe probe, ImagingOptions limits, int maxItems, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 415, "Send multipart/form-data with one part named 'images' per photo.");
        }

        IFormCollection form = await ReadFormAsync(request, cancellationToken);
        IReadOnlyList<IFormFile> files = form.Files.GetFiles("images");
        if (files.Count == 0)
        {
            throw new DarkroomException(ErrorCodes.ImageMissing, 400, "No files in parts named 'images'.");
        }

        if (files.Count > maxItems)
        {
            throw new DarkroomException(ErrorCodes.RequestInvalid, 400, $"A batch takes at most {maxItems} images; this one has {files.Count}.");
        }

        var images = new List<(byte[], string)>(files.Count);
        foreach (IFormFile file in files)
        {
            // An over-size file is left empty here so that it fails as its own item, not the whole batch.
            images.Add((file.Length > limits.MaxUploadBytes ? [] : await ReadFileAsync(file, probe, limits, cancellationToken), file.FileName));
        }

        return new BatchUpload(images, Field(form, "options"), Field(form, "operation"), Field(form, "callbackUrl"));
    }

    private static string? Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out Microsoft.Extensions.Primitives.StringValues value) ? value.ToString() : null;

    /// <summary>
    /// Reads the form, turning the form reader's failures into problems: broken framing (no boundary, a boundary that
    /// never comes, a truncated part) is 400 request.multipart_invalid; a form or body over a limit is 413 request.too_large.
    /// </summary>
    public static async Task<IFormCollection> ReadFormAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            return await request.ReadFormAsync(cancellationToken);
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            throw new DarkroomException(ErrorCodes.RequestTooLarge, 413, "The request body is over the service's limit.");
        }
        catch (InvalidDataException ex) when (ex.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            throw new DarkroomException(ErrorCodes.RequestTooLarge, 413, $"The form is over a limit: {Darkroom.Core.Ports.BlobNames.Printable(ex.Message, 200)}");
        }
        catch (Exception ex) when (ex is InvalidDataException or BadHttpRequestException or IOException && !cancellationToken.IsCancellationRequested)
        {
            throw new DarkroomException(
                ErrorCodes.MultipartInvalid,
                400,
                $"The multipart body is malformed ({Darkroom.Core.Ports.BlobNames.Printable(ex.Message, 200)}); send multipart/form-data with a boundary that matches the Content-Type and a closing boundary.");
        }
    }

    /// <summary>A part other than the photo: over the byte limit it is refused with its own code, before reading it.</summary>
    private static Task<byte[]> ReadPartAsync(IFormFile file, ImagingOptions limits, string tooLargeCode, string what, CancellationToken cancellationToken) =>
        ReadLimitedAsync(file, limits, () => new DarkroomException(tooLargeCode, 413, $"The {what} is {file.Length / 1048576.0:0.#} MB; the limit is {limits.MaxUploadBytes / 1048576.0:0.#} MB."), cancellationToken);

    /// <summary>An image part: over the byte limit it is refused as image.too_large, before reading it.</summary>
    internal static Task<byte[]> ReadFileAsync(IFormFile file, ImageProbe probe, ImagingOptions limits, CancellationToken cancellationToken) =>
        ReadLimitedAsync(file, limits, () => probe.TooLarge(file.Length), cancellationToken);

    private static async Task<byte[]> ReadLimitedAsync(IFormFile file, ImagingOptions limits, Func<DarkroomException> tooLarge, CancellationToken cancellationToken)
    {
        if (file.Length > limits.MaxUploadBytes)
        {
            throw tooLarge();
        }

        byte[] bytes = new byte[file.Length];
        await using Stream stream = file.OpenReadStream();
        await stream.ReadExactlyAsync(bytes, cancellationToken);
        return bytes;
    }
}
