namespace Darkroom.Core.Classification;

/// <summary>The eight categories a photo is sorted into.</summary>
public static class Categories
{
    public const string SocialActivities = "social_activities";
    public const string Pets = "pets";
    public const string SinglePerson = "single_person";
    public const string Foods = "foods";
    public const string TravelScenery = "travel_scenery";
    public const string Screenshot = "screenshot";
    public const string IdCard = "idcard";
    public const string Other = "other";

    public static IReadOnlyList<string> All { get; } = [SocialActivities, Pets, SinglePerson, Foods, TravelScenery, Screenshot, IdCard, Other];

    public static bool IsKnown(string? category) => category is not null && All.Contains(category, StringComparer.Ordinal);
}

/// <summary>Which part of the chain answered.</summary>
public static class ClassifyMethods
{
    public const string Cache = "cache";
    public const string Local = "local";
    public const string Remote = "remote";
}
