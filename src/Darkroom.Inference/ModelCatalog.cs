using System.Text.Json;
using Darkroom.Core.Errors;

namespace Darkroom.Inference;

/// <summary>The models Darkroom knows, read from a JSON catalog.</summary>
public sealed class ModelCatalog
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private readonly Dictionary<string, ModelSpec> _models;

    public ModelCatalog(IEnumerable<ModelSpec> models)
    {
        _models = models.ToDictionary(m => m.Id, StringComparer.Ordinal);
        foreach (ModelSpec model in _models.Values)
        {
            model.Input.Normalization.Validate();
        }
    }

    public IReadOnlyCollection<ModelSpec> Models => _models.Values;

    public static ModelCatalog Load(string path)
    {
        using FileStream stream = File.OpenRead(path);
        CatalogDocument document = JsonSerializer.Deserialize<CatalogDocument>(stream, Json)
            ?? throw new InvalidDataException($"Model catalog {path} is empty.");
        return new ModelCatalog(document.Models);
    }

    public ModelSpec Get(string id) =>
        _models.TryGetValue(id, out ModelSpec? spec)
            ? spec
            : throw Problems.InvalidOptions($"Unknown model '{id}'. Known: {string.Join(", ", _models.Keys.Order(StringComparer.Ordinal))}.");

    public bool Contains(string id) => _models.ContainsKey(id);

    private sealed record CatalogDocument(List<ModelSpec> Models);
}
