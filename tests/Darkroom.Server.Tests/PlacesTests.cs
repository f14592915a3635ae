using System.Net.Http.Json;
using Darkroom.Api.Endpoints;
using Darkroom.Core.Classification;
using NetVips;

namespace Darkroom.Server.Tests;

/// <summary>EXIF GPS → the nearest city, region and country, on photos with GPS written here (libvips writes the EXIF).</summary>
[TestClass]
public sealed class PlacesTests
{
    private static DarkroomHost s_host = null!;

    public TestContext TestContext { get; set; } = null!;

    [ClassInitialize]
    public static async Task StartAsync(TestContext context) =>
        s_host = await DarkroomHost.StartAsync(DarkroomHost.NewPrefix(), context.CancellationToken, new() { ["Darkroom:Inference:Preload"] = "" });

    [ClassCleanup]
    public static async Task StopAsync() => await s_host.DisposeAsync();

    [TestMethod]
    [DataRow(39.9042, 116.4074, "Beijing", "CN", "China", "中国")]
    [DataRow(48.8566, 2.3522, "Paris", "FR", "France", "法国")]
    [DataRow(-33.8688, 151.2093, "Sydney", "AU", "Australia", "澳大利亚")]
    [DataRow(40.7128, -74.0060, "New York City", "US", "United States", "美国")]
    public async Task GpsInExif_NamesTheNearestCity(double latitude, double longitude, string city, string code, string country, string countryZh)
    {
        ClassificationView view = await ClassifyAsync(WithGps(latitude, longitude, (int)(latitude * 100)));

        TestContext.WriteLine(view.Place?.ToString() ?? "(no place)");
        Assert.IsNotNull(view.Place);
        Assert.AreEqual(city, view.Place.City);
        Assert.AreEqual(code, view.Place.CountryCode);
        Assert.AreEqual(country, view.Place.Country);
        Assert.AreEqual(countryZh, view.Place.CountryZh);
        Assert.IsFalse(string.IsNullOrEmpty(view.Place.Region), "the region (GeoNames admin1) is named");
        Assert.AreEqual(latitude, view.Place.Latitude, 0.001, "degrees, minutes and seconds read back from EXIF");
        Assert.AreEqual(longitude, view.Place.Longitude, 0.001);
        Assert.IsLessThan(25, view.Place.DistanceKm);
    }

    [TestMethod]
    public async Task NoGps_OrFarFromAnyCity_HasNoPlace()
    {
        Assert.IsNull((await ClassifyAsync(TestImages.Photo(TestImages.Cat))).Place);
        Assert.IsNull((await ClassifyAsync(WithGps(0.5, -150, 7))).Place, "the middle of the Pacific");
    }

    [TestMethod]
    public async Task StatsPlaces_CountsTheCallersPhotosByCountryAndCity()
    {
        CancellationToken ct = TestContext.CancellationToken;
        // /classify caches its answers (local-classify, used above, does not), and the statistics read the cache.
        foreach (byte[] photo in new[] { WithGps(48.8566, 2.3522, 11), WithGps(48.8606, 2.3376, 12), WithGps(39.9042, 116.4074, 13), TestImages.Photo(TestImages.Coffee) })
        {
            await ClassifyTests.ClassifyAsync(s_host.Client, photo, "photo.jpg", ct);
        }

        PlacesView places = (await s_host.Client.GetFromJsonAsync<PlacesView>("/api/v1/stats/places", Json.Options, ct))!;

        TestContext.WriteLine(System.Text.Json.JsonSerializer.Serialize(places));
        Assert.AreEqual(4, places.Photos);
        Assert.AreEqual(3, places.WithPlace, "the coffee photo has no GPS");
        Assert.AreEqual("FR", places.Countries[0].CountryCode, "most photos first");
        Assert.AreEqual(2, places.Countries[0].Photos);
        Assert.AreEqual(2, places.Countries[0].Cities["Paris"]);
        PlaceCountryView china = places.Countries.Single(c => c.CountryCode == "CN");
        Assert.AreEqual("中国", china.CountryZh);
        Assert.AreEqual(1, china.Cities["Beijing"]);
    }

    private async Task<ClassificationView> ClassifyAsync(byte[] photo)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(photo), "image", "gps.jpg" } };
        HttpResponseMessage response = await s_host.Client.PostAsync("/api/v1/local-classify", form, TestContext.CancellationToken);
        Assert.IsTrue(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.CancellationToken));
        return (await response.Content.ReadFromJsonAsync<ClassificationView>(Json.Options, TestContext.CancellationToken))!;
    }

    /// <summary>A small JPEG whose EXIF holds this GPS position (as a phone writes it: degrees, minutes, seconds, N/S, E/W).</summary>
    private static byte[] WithGps(double latitude, double longitude, int shade)
    {
        using Image plain = (Image.Black(64, 48, bands: 3) + new double[] { shade & 255, 90, 160 }).Cast(Enums.BandFormat.Uchar);
        using Image tagged = plain.Mutate(m =>
        {
            m.Set(GValue.GStrType, "exif-ifd3-GPSLatitudeRef", latitude < 0 ? "S" : "N");
            m.Set(GValue.GStrType, "exif-ifd3-GPSLatitude", Dms(Math.Abs(latitude)));
            m.Set(GValue.GStrType, "exif-ifd3-GPSLongitudeRef", longitude < 0 ? "W" : "E");
            m.Set(GValue.GStrType, "exif-ifd3-GPSLongitude", Dms(Math.Abs(longitude)));
        });
        return tagged.JpegsaveBuffer(q: 90);
    }

    private static string Dms(double degrees)
    {
        int d = (int)degrees;
        int m = (int)((degrees - d) * 60);
        int s100 = (int)Math.Round((((degrees - d) * 60) - m) * 60 * 100);
        return string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{d}/1 {m}/1 {s100}/100");
    }
}
