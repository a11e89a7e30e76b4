using Descent.Nn;

namespace Descent.Optim;

/// <summary>Builds the optimizer a wrapper (Lookahead, SAM) wraps from the wrapper's keyword options.</summary>
internal static class WrappedOptions
{
    /// <summary>
    /// The optimizer named by option <paramref name="nameKey"/> (default <paramref name="defaultName"/>) over
    /// <paramref name="parameters"/>, with the options of <paramref name="nestedKey"/> (when given) and every option of
    /// <paramref name="o"/> not read so far; an option given both ways is an error naming it.
    /// </summary>
    public static Optimizer Create(IEnumerable<NamedParameter> parameters, TorchOptions o, string nameKey, string? nestedKey, string defaultName)
    {
        string name = o.Text(nameKey, defaultName)!;
        var merged = new Dictionary<string, object>(StringComparer.Ordinal);
        if (nestedKey is not null)
        {
            var nested = o.ValueOf(nestedKey);
            if (nested is not null and not IReadOnlyDictionary<string, object>)
                throw new InvalidOptionException(nestedKey, nested, $"must be an object of {name}'s options");
            o.Nested(nestedKey);   // marks it read
            if (nested is IReadOnlyDictionary<string, object> given)
                foreach (var (key, value) in given) merged[key] = value;
        }
        foreach (var (key, value) in o.TakeUnread())
            if (!merged.TryAdd(key, value))
                throw new InvalidOptionException(key, value, $"is given both at the top level and in '{nestedKey}'; give it once");
        return OptimizerCatalog.Create(name, parameters, new TorchOptions(merged));
    }
}
