using System.Text.Json.Serialization;

namespace Darkroom.Core.Options;

/// <summary>
/// What a cut-out's subject is, which decides its route: <c>graphic</c> (a flat or nearly flat background: logos,
/// icons, screenshots, products on seamless white) is keyed out by its border colour with no model; the others go
/// through the segmentation model. <c>auto</c> lets the classify stage decide.
/// </summary>
[JsonConverter(typeof(StrictEnumConverter<SubjectType>))]
public enum SubjectType
{
    [JsonStringEnumMemberName("auto")]
    Auto,

    [JsonStringEnumMemberName("person")]
    Person,

    [JsonStringEnumMemberName("animal")]
    Animal,

    [JsonStringEnumMemberName("product")]
    Product,

    [JsonStringEnumMemberName("graphic")]
    Graphic,

    /// <summary>Chosen by <c>auto</c> for a photo that is not a graphic when nothing tells its kind apart.</summary>
    [JsonStringEnumMemberName("photo")]
    Photo,
}
