using System.Text.Json;

namespace Darkroom.Azure;

/// <summary>How records are written into table columns.</summary>
internal static class StorageJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
