using System.Globalization;

namespace Descent.Optim;

/// <summary>
/// Optimizer options by their torch.optim keyword names ("lr", "betas", "weight_decay", ...), with values that are
/// numbers, booleans or number pairs. Reading marks a key used; <see cref="EnsureAllUsed"/> rejects the rest, so a
/// misspelt or unsupported option is an error naming it and the valid ones.
/// </summary>
public sealed class TorchOptions
{
    private readonly IReadOnlyDictionary<string, object> _values;
    private readonly HashSet<string> _used = [];
    private readonly List<string> _known = [];

    /// <summary>Wraps <paramref name="values"/>: each a double, a bool, or a double[] (betas, etas, step_sizes).</summary>
    public TorchOptions(IReadOnlyDictionary<string, object> values) => _values = values;

    /// <summary>No options: every value takes its default.</summary>
    public static TorchOptions Empty { get; } = new(new Dictionary<string, object>());

    /// <summary>A number option, or <paramref name="fallback"/> when absent.</summary>
    public double Number(string key, double fallback) => Read(key, out var v) ? AsNumber(key, v) : fallback;

    /// <summary>A number option that has no default.</summary>
    public double RequiredNumber(string key) =>
        Read(key, out var v) ? AsNumber(key, v) : throw new InvalidOptionException(key, null, "a value is required");

    /// <summary>A boolean option, or <paramref name="fallback"/> when absent.</summary>
    public bool Flag(string key, bool fallback) => Read(key, out var v) ? v switch
    {
        bool b => b,
        double d when d is 0 or 1 => d == 1,
        _ => throw new InvalidOptionException(key, v, "must be true or false"),
    } : fallback;

    /// <summary>A pair option such as betas, or <paramref name="fallback"/> when absent.</summary>
    public (double, double) Pair(string key, (double, double) fallback) => Read(key, out var v) ? v switch
    {
        double[] { Length: 2 } a => (a[0], a[1]),
        _ => throw new InvalidOptionException(key, v, "must be a pair of numbers"),
    } : fallback;

    /// <summary>
    /// A tuple option of <paramref name="length"/> numbers any of which may be Python's <c>None</c> (null), such as
    /// Adafactor's <c>eps=(None, 1e-3)</c>, or <paramref name="fallback"/> when absent. Accepts a double[] or an array
    /// of numbers and nulls (double?[] or object?[]).
    /// </summary>
    public double?[] NullableNumbers(string key, int length, double?[] fallback)
    {
        if (!Read(key, out var v)) return fallback;
        double?[]? values = v switch
        {
            double[] a => [.. a.Select(x => (double?)x)],
            double?[] a => a,
            object?[] a when a.All(x => x is null or double or int) => [.. a.Select(x => x is null ? (double?)null : Convert.ToDouble(x, CultureInfo.InvariantCulture))],
            _ => null,
        };
        return values is { } ok && ok.Length == length ? ok
            : throw new InvalidOptionException(key, v, $"must be {length} numbers, each a number or null (None)");
    }

    /// <summary>A number option that may be Python's <c>None</c> (null), such as Prodigy's beta3, or <paramref name="fallback"/> when absent.</summary>
    public double? OptionalNumber(string key, double? fallback) => Read(key, out var v) ? v is null ? null : AsNumber(key, v) : fallback;

    /// <summary>A tuple option of <paramref name="length"/> numbers, such as AdEMAMix's three betas, or <paramref name="fallback"/> when absent.</summary>
    public double[] Numbers(string key, int length, double[] fallback) => Read(key, out var v) ? v switch
    {
        double[] a when a.Length == length => a,
        _ => throw new InvalidOptionException(key, v, $"must be {length} numbers"),
    } : fallback;

    /// <summary>An integer option, or <paramref name="fallback"/> when absent.</summary>
    public int Integer(string key, int fallback)
    {
        if (!Read(key, out var v)) return fallback;
        double d = AsNumber(key, v);
        return d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue ? (int)d
            : throw new InvalidOptionException(key, v, "must be an integer");
    }

    /// <summary>A text option, or <paramref name="fallback"/> when absent.</summary>
    public string? Text(string key, string? fallback) => Read(key, out var v) ? v switch
    {
        string s => s,
        _ => throw new InvalidOptionException(key, v, "must be text"),
    } : fallback;

    /// <summary>Throws when an option was given that the optimizer did not read, listing the ones it knows.</summary>
    public void EnsureAllUsed(string optimizer)
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidOptionException(unknown[0], _values[unknown[0]], $"{optimizer} has no option '{unknown[0]}'; its options: {string.Join(", ", _known)}", optimizer);
    }

    /// <summary>
    /// The torch keyword of an options property named <paramref name="property"/> ("WeightDecay" → "weight_decay",
    /// "Beta1" → "betas"), as far as the optimizer read it; null when it has none.
    /// </summary>
    public string? KeyOf(string property)
    {
        if (_known.Contains(property)) return property;
        string snake = string.Concat(property.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
        if (snake is "beta1" or "beta2") snake = "betas";   // the one torch keyword that holds two properties
        return _known.Contains(snake) ? snake : null;
    }

    /// <summary>The value given for <paramref name="key"/>, or null.</summary>
    public object? ValueOf(string key) => _values.TryGetValue(key, out var v) ? v : null;

    private bool Read(string key, out object value)
    {
        _known.Add(key);
        _used.Add(key);
        return _values.TryGetValue(key, out value!);
    }

    private static double AsNumber(string key, object v) => v switch
    {
        double d => d,
        int i => i,
        _ => throw new InvalidOptionException(key, v, "must be a number"),
    };

    private static string Describe(object v) => v switch
    {
        double[] a => "[" + string.Join(", ", a.Select(x => x.ToString(CultureInfo.InvariantCulture))) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "null",
    };
}
