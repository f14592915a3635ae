using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Darkroom.Core.Options;

/// <summary>
/// An enum as one of its declared names (<see cref="JsonStringEnumMemberNameAttribute"/>, any case) and nothing else:
/// no numbers, no numeric strings, no comma lists. System.Text.Json's string converter accepts integers, so
/// <c>{"format":99}</c> would pass validation and fail later; options use this one instead.
/// </summary>
public sealed class StrictEnumConverter<TEnum> : JsonConverter<TEnum>
    where TEnum : struct, Enum
{
    private static readonly (string Name, TEnum Value)[] Names =
    [
        .. typeof(TEnum).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Select(f => (f.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? f.Name, (TEnum)f.GetValue(null)!)),
    ];

    public override TEnum Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            string? text = reader.GetString();
            foreach ((string name, TEnum value) in Names)
            {
                if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
                {
                    return value;
                }
            }
        }

        throw new JsonException($"expected one of {string.Join(", ", Names.Select(n => $"\"{n.Name}\""))}");
    }

    public override void Write(Utf8JsonWriter writer, TEnum value, JsonSerializerOptions options)
    {
        foreach ((string name, TEnum candidate) in Names)
        {
            if (EqualityComparer<TEnum>.Default.Equals(candidate, value))
            {
                writer.WriteStringValue(name);
                return;
            }
        }

        throw new JsonException($"{typeof(TEnum).Name} has no member {value}.");
    }
}
