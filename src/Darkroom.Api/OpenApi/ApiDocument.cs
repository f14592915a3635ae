using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Darkroom.Api.OpenApi;

/// <summary>
/// What the generated OpenAPI document cannot infer from the handlers, so a client can be generated from it: the
/// <c>X-API-Key</c> security scheme (required everywhere but the health probes), every multipart body's fields with
/// their types, the image responses with their media types, summaries, and examples.
/// </summary>
public static class ApiDocument
{
    public const string SecurityScheme = "ApiKey";

    private static readonly string[] ImageTypes = ["image/png", "image/jpeg", "image/webp", "image/avif"];

    private const string RemoveBackgroundExample = """{"format":"png","crop":true,"cropMargin":20,"type":"auto"}""";

    private const string RemoveWatermarkExample = """{"format":"jpeg","quality":92}""";

    /// <summary>A form field of a multipart body: its name, whether a file, whether required, and what it means.</summary>
    private sealed record Field(string Name, bool Binary, bool Required, string Description, string? Example = null, bool Array = false);

    private sealed record Operation(string Summary, string? Description = null, Field[]? Form = null, bool ImageResponse = false, bool Public = false);

    private static readonly Field[] JobForm =
    [
        new("image", true, false, "The photo (JPEG, PNG, WebP, AVIF, HEIC, TIFF, BMP, GIF); or give imageUrl."),
        new("imageUrl", false, false, "A public http(s) URL of the photo, fetched by the server instead of the image part.", "https://example.com/photo.jpg"),
        new("options", false, false, "The operation's options as JSON (see the README's option tables).", RemoveBackgroundExample),
        new("operation", false, false, "remove-background (default), remove-watermark or classify.", "remove-background"),
        new("background", true, false, "remove-background: an image to put behind the subject; or give backgroundUrl."),
        new("backgroundUrl", false, false, "remove-background: a public URL of the background image."),
        new("mask", true, false, "remove-watermark: what to remove, white on black; or give maskUrl. Without it the mark is found automatically."),
        new("maskUrl", false, false, "remove-watermark: a public URL of the mask."),
        new("callbackUrl", false, false, "A public https URL that receives the signed job.completed / job.failed webhook.", "https://example.com/hooks/darkroom"),
    ];

    private static readonly Field[] CutoutForm = [.. JobForm.Where(f => f.Name is not ("operation" or "mask" or "maskUrl"))];

    private static readonly Field[] WatermarkForm =
    [
        .. JobForm.Where(f => f.Name is not ("operation" or "background" or "backgroundUrl") && f.Name != "options"),
        new("options", false, false, "remove-watermark options as JSON.", RemoveWatermarkExample),
    ];

    private static readonly Field[] ClassifyForm = [.. JobForm.Where(f => f.Name is "image" or "imageUrl")];

    private static readonly Field[] BatchForm =
    [
        new("images", true, true, "One part per photo, up to 50.", Array: true),
        new("operation", false, false, "remove-background (default), remove-watermark or classify.", "remove-background"),
        new("options", false, false, "The options for every image, as JSON.", RemoveBackgroundExample),
        new("callbackUrl", false, false, "A public https URL for each item's webhook."),
    ];

    private static readonly Field[] RemoveBgForm =
    [
        new("image_file", true, false, "The photo; or image_url, or image_file_b64."),
        new("image_url", false, false, "A public URL of the photo."),
        new("image_file_b64", false, false, "The photo, base64."),
        new("size", false, false, "auto, full or preview (small and regular are previews too); other remove.bg sizes are a 400.", "auto"),
        new("type", false, false, "auto, person, product, animal or graphic.", "auto"),
        new("format", false, false, "auto (PNG, or JPEG when opaque), png, jpg or webp.", "auto"),
        new("bg_color", false, false, "Hex (81d4fa, fff) or a basic colour name.", "81d4fa"),
        new("bg_image_url", false, false, "A public URL of a background image."),
        new("bg_image_file", true, false, "A background image."),
        new("crop", false, false, "true to crop to the subject.", "false"),
        new("crop_margin", false, false, "Pixels around a crop (30 or 30px).", "0"),
        new("channels", false, false, "rgba or alpha.", "rgba"),
        new("add_shadow", false, false, "true for a contact shadow.", "false"),
        new("type_level", false, false, "none, 1 or latest.", "1"),
        new("semitransparency", false, false, "Accepted; Darkroom's mattes are always soft.", "true"),
        new("roi", false, false, "Only 0% 0% 100% 100%.", "0% 0% 100% 100%"),
        new("scale", false, false, "Only original.", "original"),
        new("position", false, false, "Only original.", "original"),
    ];

    private static readonly Dictionary<string, Operation> Operations = new(StringComparer.Ordinal)
    {
        ["POST /api/v1/jobs"] = new("Start a job", "Uploads a photo (or names it by URL) and starts the job; 202 with the job, or 200 with the finished job when ?wait=N seconds suffice. An Idempotency-Key header makes retries safe.", JobForm),
        ["GET /api/v1/jobs"] = new("List the caller's jobs, newest first"),
        ["GET /api/v1/jobs/{id}"] = new("A job's status, stage, progress, timings, result and error"),
        ["DELETE /api/v1/jobs/{id}"] = new("Delete a job with its blobs, checkpoints and record"),
        ["GET /api/v1/jobs/{id}/result"] = new("Download a completed job's result", "Named <photo>-cutout.png, <photo>-mask.png or <photo>-clean.jpg.", ImageResponse: true),
        ["POST /api/v1/remove-background"] = new("Remove the background (synchronous)", "Answers the cut-out itself with remove.bg's X-Width, X-Height, X-Type, X-Credits-Charged and X-Foreground-* headers, or 202 with the job when it takes longer than ?wait= seconds.", CutoutForm, ImageResponse: true),
        ["POST /api/v1/remove-watermark"] = new("Remove a watermark, logo or object (synchronous)", "Answers the cleaned photo, or 202 with the job past ?wait= seconds.", WatermarkForm, ImageResponse: true),
        ["POST /api/v1/batches"] = new("Start up to 50 jobs in one request", null, BatchForm),
        ["GET /api/v1/batches/{id}"] = new("A batch's items and summary"),
        ["POST /api/v1/classify"] = new("Classify one photo into the eight categories (synchronous)", null, ClassifyForm),
        ["POST /api/v1/local-classify"] = new("Classify one photo with the local steps only (never a remote call)", null, ClassifyForm),
        ["POST /api/v1/classify/batch"] = new("Classify up to 50 photos in parallel", null, [new("images", true, true, "One part per photo.", Array: true)]),
        ["POST /api/v1/classify/check-cache"] = new("Which photos (by SHA-256) are already classified"),
        ["GET /api/v1/usage"] = new("The caller's plan, quota and use this month"),
        ["GET /api/v1/stats/today"] = new("The caller's classify requests today"),
        ["GET /api/v1/stats/cache-efficiency"] = new("Classify cache efficiency"),
        ["GET /api/v1/stats/category-distribution"] = new("Categories of the caller's classified photos"),
        ["GET /api/v1/stats/places"] = new("Where the caller's classified photos were taken, by country and city (EXIF GPS)"),
        ["GET /api/v1/stats/users/top"] = new("The tenants that classify most, with the remote calls and cost the cache saved (admin key)", "Needs X-Admin-Key."),
        ["POST /api/v1/admin/keys"] = new("Create an API key (admin key)"),
        ["DELETE /api/v1/admin/keys/{prefix}"] = new("Revoke an API key (admin key)"),
        ["GET /api/v1/health"] = new("Storage, models and execution provider", Public: true),
        ["GET /api/v1/health/live"] = new("Liveness probe", Public: true),
        ["GET /api/v1/health/ready"] = new("Readiness probe: storage answers and preloaded models are warm", Public: true),
        ["POST /api/v1.0/removebg"] = new("remove.bg-compatible background removal", "remove.bg's fields (form, urlencoded or JSON), X-Api-Key header, answers and error shape.", RemoveBgForm, ImageResponse: true),
        ["POST /v1.0/removebg"] = new("remove.bg-compatible background removal (remove.bg's own path)", null, RemoveBgForm, ImageResponse: true),
    };

    public static void Configure(OpenApiOptions options)
    {
        options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Darkroom API",
                Version = "v1",
                Description = "Background removal, watermark removal and photo classification as durable jobs. Every route but the health probes needs the X-API-Key header. Errors are RFC 9457 problem details with a stable code.",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes[SecurityScheme] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.ApiKey,
                In = ParameterLocation.Header,
                Name = "X-API-Key",
                Description = "An API key from POST /api/v1/admin/keys (or the development key the server seeds).",
            };
            return Task.CompletedTask;
        });

        options.AddOperationTransformer((operation, context, _) =>
        {
            string key = $"{context.Description.HttpMethod} /{context.Description.RelativePath?.Split('?')[0].TrimEnd('/')}";
            Operation? described = Operations.GetValueOrDefault(key);
            operation.Summary ??= described?.Summary;
            operation.Description ??= described?.Description;
            if (described?.Public != true)
            {
                operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SecurityScheme, context.Document)] = [] }];
            }

            if (described?.Form is { } form)
            {
                operation.RequestBody = FormBody(form, key.Contains("removebg", StringComparison.Ordinal));
            }

            if (described?.ImageResponse == true)
            {
                var response = new OpenApiResponse { Description = "The result image (Content-Disposition names it)", Content = new Dictionary<string, OpenApiMediaType>() };
                foreach (string type in ImageTypes)
                {
                    response.Content[type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
                }

                if (key.Contains("removebg", StringComparison.Ordinal))
                {
                    response.Content["application/json"] = new OpenApiMediaType { Schema = RemoveBgJson() };
                }

                operation.Responses ??= [];
                operation.Responses["200"] = response;
            }

            return Task.CompletedTask;
        });
    }

    private static OpenApiRequestBody FormBody(Field[] fields, bool removeBg)
    {
        var schema = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>() };
        foreach (Field field in fields)
        {
            IOpenApiSchema one = field.Binary
                ? new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary", Description = field.Description }
                : new OpenApiSchema { Type = JsonSchemaType.String, Description = field.Description, Examples = field.Example is null ? null : [JsonValue.Create(field.Example)] };
            schema.Properties[field.Name] = field.Array ? new OpenApiSchema { Type = JsonSchemaType.Array, Items = one, Description = field.Description } : one;
            if (field.Required)
            {
                schema.Required ??= new HashSet<string>();
                schema.Required.Add(field.Name);
            }
        }

        var body = new OpenApiRequestBody { Required = true, Content = new Dictionary<string, OpenApiMediaType> { ["multipart/form-data"] = new() { Schema = schema } } };
        if (removeBg)
        {
            var text = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>() };
            foreach (Field field in fields.Where(f => !f.Binary))
            {
                text.Properties[field.Name] = schema.Properties[field.Name];
            }

            body.Content["application/x-www-form-urlencoded"] = new OpenApiMediaType { Schema = text };
            body.Content["application/json"] = new OpenApiMediaType { Schema = text };
        }

        return body;
    }

    private static OpenApiSchema RemoveBgJson()
    {
        var data = new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema>() };
        data.Properties["result_b64"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "byte" };
        foreach (string name in new[] { "foreground_top", "foreground_left", "foreground_width", "foreground_height" })
        {
            data.Properties[name] = new OpenApiSchema { Type = JsonSchemaType.Integer };
        }

        return new OpenApiSchema { Type = JsonSchemaType.Object, Properties = new Dictionary<string, IOpenApiSchema> { ["data"] = data } };
    }
}
