using System.Globalization;
using Darkroom.Core.Classification;
using Darkroom.Inference;

namespace Darkroom.Pipeline.Classification;

/// <summary>
/// From what the local models saw to a category. Objects first (COCO detector): a cat or dog as large as the largest
/// person → <c>pets</c>; two or more people of comparable size → <c>social_activities</c>; one prominent person →
/// <c>single_person</c>; food items covering a fair part of the photo → <c>foods</c>. Then the ImageNet classifier's
/// probability mass over groups of its 1000 classes: dogs and domestic cats → <c>pets</c>, dishes, fruit, vegetables
/// and drinks → <c>foods</c>, landscapes and landmarks with no dominant object → <c>travel_scenery</c>. Confidence is the
/// deciding evidence's own score or mass, so an unsure photo stays below the chain's threshold and passes on.
/// </summary>
public static class PhotoContentRules
{
    /// <summary>A detection below this score is not counted.</summary>
    public const float MinObjectScore = 0.45f;

    /// <summary>A person or pet smaller than this share of the photo is background, not the subject.</summary>
    public const double MinSubjectShare = 0.015;

    /// <summary>A second person at least this share of the largest one's area makes a group photo.</summary>
    public const double GroupPeerShare = 0.2;

    /// <summary>An object covering more than this share of the photo dominates it (no scenery).</summary>
    public const double DominantShare = 0.2;

    /// <summary>A class group holding less of the ImageNet probability than this says nothing.</summary>
    public const double MinMass = 0.25;

    /// <summary>ImageNet-1k: dogs (151–268) and domestic cats (281–285).</summary>
    public static bool IsPetClass(int i) => i is (>= 151 and <= 268) or (>= 281 and <= 285);

    /// <summary>ImageNet-1k: plate, dishes, bread, vegetables, fruit, sauces and drinks (923–969, not hay 958), and a few prepared foods among the objects.</summary>
    public static bool IsFoodClass(int i) => (i is >= 923 and <= 969 && i != 958) || i is 567 /* frying pan */ or 809 /* soup bowl */;

    /// <summary>ImageNet-1k: natural scenes (alp, cliff, coral reef, geyser, lakeside, promontory, sandbar, seashore, valley, volcano) and landmarks and buildings.</summary>
    public static bool IsSceneryClass(int i) =>
        i is 970 or (>= 972 and <= 980)
            or 437 /* beacon */ or 449 /* boathouse */ or 460 /* breakwater */ or 483 /* castle */ or 497 /* church */ or 500 /* cliff dwelling */
            or 525 /* dam */ or 536 /* dock */ or 538 /* dome */ or 562 /* fountain */ or 576 /* gondola */ or 649 /* megalith */
            or 663 /* monastery */ or 668 /* mosque */ or 682 /* obelisk */ or 698 /* palace */ or 718 /* pier */ or 727 /* planetarium */
            or 821 /* steel arch bridge */ or 825 /* stone wall */ or 832 /* stupa */ or 839 /* suspension bridge */ or 853 /* thatch */
            or 858 /* tile roof */ or 873 /* triumphal arch */ or 888 /* viaduct */ or 900 /* water tower */ or 912 /* worm fence */ or 915 /* yurt */
            or 984 /* rapeseed field */;

    /// <summary>A verdict, or null when nothing the models saw points to a category.</summary>
    /// <param name="objects">The detector's boxes (may be empty, or null when no detector is installed).</param>
    /// <param name="imageNet">The classifier's 1000 probabilities, or null when no classifier is installed.</param>
    public static (string Category, double Confidence, string Description)? Decide(IReadOnlyList<Detection>? objects, float[]? imageNet, int width, int height)
    {
        double area = Math.Max(1.0, (double)width * height);
        List<Detection> seen = objects?.Where(d => d.Score >= MinObjectScore).ToList() ?? [];
        List<Detection> people = [.. seen.Where(d => d.ClassId == CocoClasses.Person && d.Area / area >= MinSubjectShare).OrderByDescending(d => d.Area)];
        List<Detection> pets = [.. seen.Where(d => d.ClassId is CocoClasses.Cat or CocoClasses.Dog && d.Area / area >= MinSubjectShare).OrderByDescending(d => d.Area)];
        double petMass = Mass(imageNet, IsPetClass), foodMass = Mass(imageNet, IsFoodClass), sceneryMass = Mass(imageNet, IsSceneryClass);

        if (pets.Count > 0 && (people.Count == 0 || pets[0].Area >= people[0].Area))
        {
            return (Categories.Pets, Math.Max(pets[0].Score, petMass), $"A {pets[0].Label}{Count(pets, "pets")} ({Share(pets[0], area)} of the photo, score {pets[0].Score:0.00}).");
        }

        if (people.Count > 0)
        {
            List<Detection> peers = [.. people.Where(p => p.Area >= people[0].Area * GroupPeerShare)];
            return peers.Count >= 2
                ? (Categories.SocialActivities, peers.Take(2).Average(p => p.Score), $"{peers.Count} people of comparable size (scores {string.Join(", ", peers.Take(4).Select(p => p.Score.ToString("0.00", CultureInfo.InvariantCulture)))}).")
                : (Categories.SinglePerson, people[0].Score, $"One person, {Share(people[0], area)} of the photo (score {people[0].Score:0.00}){(people.Count > 1 ? $", {people.Count - 1} much smaller in the background" : "")}.");
        }

        List<Detection> food = [.. seen.Where(d => CocoClasses.IsFood(d.ClassId))];
        double foodShare = Math.Min(1, food.Sum(d => d.Area) / area);
        if (food.Count > 0 && foodShare >= 0.05)
        {
            Detection top = food.MaxBy(d => d.Score)!;
            return (Categories.Foods, Math.Max(top.Score, foodMass), $"Food: {string.Join(", ", food.Select(d => d.Label).Distinct().Take(4))} ({foodShare:P0} of the photo).");
        }

        if (petMass >= Math.Max(foodMass, sceneryMass) && petMass >= MinMass)
        {
            return (Categories.Pets, petMass, $"ImageNet classes of dogs and cats ({petMass:0.00} of the probability; top: {Top(imageNet!, IsPetClass)}).");
        }

        if (foodMass >= sceneryMass && foodMass >= MinMass)
        {
            return (Categories.Foods, foodMass, $"ImageNet classes of food and drink ({foodMass:0.00} of the probability; top: {Top(imageNet!, IsFoodClass)}).");
        }

        bool dominated = seen.Any(d => d.Area / area > DominantShare);
        if (sceneryMass >= MinMass && !dominated)
        {
            return (Categories.TravelScenery, sceneryMass, $"ImageNet classes of landscapes and landmarks ({sceneryMass:0.00} of the probability; top: {Top(imageNet!, IsSceneryClass)}), no dominant object.");
        }

        return null;
    }

    private static double Mass(float[]? probabilities, Func<int, bool> inGroup)
    {
        if (probabilities is null)
        {
            return 0;
        }

        double mass = 0;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (inGroup(i))
            {
                mass += probabilities[i];
            }
        }

        return Math.Min(1, mass);
    }

    /// <summary>The group's most probable class, as its ImageNet index (the adapter carries no label list).</summary>
    private static string Top(float[] probabilities, Func<int, bool> inGroup)
    {
        int best = -1;
        for (int i = 0; i < probabilities.Length; i++)
        {
            if (inGroup(i) && (best < 0 || probabilities[i] > probabilities[best]))
            {
                best = i;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"class {best} at {probabilities[best]:0.00}");
    }

    private static string Count(List<Detection> found, string plural) => found.Count > 1 ? $" and {found.Count - 1} more {plural}" : "";

    private static string Share(Detection d, double area) => (d.Area / area).ToString("P0", CultureInfo.InvariantCulture);
}
