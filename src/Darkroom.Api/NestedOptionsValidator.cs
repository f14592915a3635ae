using System.Collections;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using Microsoft.Extensions.Options;

namespace Darkroom.Api;

/// <summary>
/// Data annotations all the way down: <c>ValidateDataAnnotations</c> checks only the top object, so a nested plan
/// (<c>Plans:free:RequestsPerMinute=0</c>) or a nested remote endpoint (<c>Classify:Remote:Flavor=bogus</c>) would
/// start fine. This walks nested objects, dictionary values and list items, and fails start-up naming the path.
/// </summary>
public sealed class NestedOptionsValidator<TOptions> : IValidateOptions<TOptions>
    where TOptions : class
{
    public ValidateOptionsResult Validate(string? name, TOptions options)
    {
        var failures = new List<string>();
        Walk(options, typeof(TOptions).Name, failures, depth: 0);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Walk(object value, string path, List<string> failures, int depth)
    {
        if (depth > 8)
        {
            return;
        }

        var results = new List<ValidationResult>();
        if (depth > 0 && !Validator.TryValidateObject(value, new ValidationContext(value), results, validateAllProperties: true))
        {
            failures.AddRange(results.Select(r => $"{path}: {r.ErrorMessage}"));
        }

        foreach (PropertyInfo property in value.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0))
        {
            object? child = property.GetValue(value);
            switch (child)
            {
                case null or string:
                    break;
                case IDictionary dictionary:
                    foreach (DictionaryEntry entry in dictionary)
                    {
                        if (entry.Value is { } item && IsOptionsObject(item.GetType()))
                        {
                            Walk(item, $"{path}:{property.Name}:{entry.Key}", failures, depth + 1);
                        }
                    }

                    break;
                case IEnumerable list:
                    int index = 0;
                    foreach (object? item in list)
                    {
                        if (item is not null && IsOptionsObject(item.GetType()))
                        {
                            Walk(item, $"{path}:{property.Name}:{index}", failures, depth + 1);
                        }

                        index++;
                    }

                    break;
                default:
                    if (IsOptionsObject(child.GetType()))
                    {
                        Walk(child, $"{path}:{property.Name}", failures, depth + 1);
                    }

                    break;
            }
        }
    }

    private static bool IsOptionsObject(Type type) =>
        type.IsClass && type != typeof(string) && type.Namespace?.StartsWith("Darkroom", StringComparison.Ordinal) == true;
}
