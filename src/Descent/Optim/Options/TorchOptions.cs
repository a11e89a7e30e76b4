using System.Globalization;

namespace Descent.Optim;

/// <summary>
/// Optimizer options by their torch.optim keyword names ("lr", "betas", "weight_decay", ...), with values that are
/// numbers, booleans, text, number arrays (an element may be None), nested options (a wrapper's inner optimizer's)
/// or <see cref="None"/>. Reading marks a key used; <see cref="EnsureAllUsed"/> rejects the rest, so a
/// misspelt or unsupported option is an error naming it and the valid ones.
/// </summary>
public sealed class TorchOptions
{
    private readonly IReadOnlyDictionary<string, object> _values;
    private readonly HashSet<string> _used = [];
    private readonly List<string> _known = [];

    /// <summary>
    /// Wraps <paramref name="values"/>: each a double, a bool, a string, a double[] (betas, etas, step_sizes), a
    /// double?[] (Adafactor's eps, whose first element may be None), a nested dictionary of the same kinds, or
    /// <see cref="None"/>.
    /// </summary>
    public TorchOptions(IReadOnlyDictionary<string, object> values) => _values = values;

    /// <summary>Python's None given as a value: it reads as an absent option, so the default applies.</summary>
    public static object None { get; } = new PythonNone();

    /// <summary>No options: every value takes its default.</summary>
    public static TorchOptions Empty { get; } = new(new Dictionary<string, object>());

    /// <summary>What <see cref="TryParseValue"/> reads, for error messages.</summary>
    public const string ValueForms = "a number, true/false, numbers as (a,b) or [a,b], or a name";

    /// <summary>
    /// Reads an option value as a user writes it: the one parser behind <c>descent train --opt KEY=VALUE</c> and the
    /// optimizer lists of <c>compare</c>, <c>landscape</c> and experiment files. "true"/"false" (any case) is a bool; a
    /// number (<see cref="InvariantNumber"/>) a double; numbers in brackets, "(0.9,0.99)" or "[0.9,0.99]", or only
    /// separated by commas, "0.9,0.99", a double[]; a name of letters, digits and '_' (an inner optimizer such as
    /// <c>optimizer=adam</c>, <c>line_search_fn=strong_wolfe</c>) the text itself. The optimizer then checks the
    /// kind and range, as for values given in code.
    /// </summary>
    /// <param name="text">The value, surrounding spaces ignored.</param>
    /// <param name="value">The value read, or null.</param>
    /// <param name="problem">
    /// Null when read, else why not, worded to follow the quoted value: "holds 'x', not a number", "is not a number,
    /// true/false, ...".
    /// </param>
    public static bool TryParseValue(string text, out object? value, out string? problem)
    {
        text = text.Trim();
        value = null;
        problem = null;
        if (text.Equals("true", StringComparison.OrdinalIgnoreCase)) value = true;
        else if (text.Equals("false", StringComparison.OrdinalIgnoreCase)) value = false;
        else if (InvariantNumber.TryParse(text, out double number)) value = number;
        else if (text.Length >= 2 && (text[0], text[^1]) is ('(', ')') or ('[', ']')) value = Numbers(text[1..^1], out problem);
        else if (text.Contains(',')) value = Numbers(text, out problem);
        else if (text.Length > 0 && text.All(c => char.IsAsciiLetterOrDigit(c) || c == '_')) value = text;
        else problem = $"is not {ValueForms}";
        return value is not null;

        static double[]? Numbers(string list, out string? problem)
        {
            var parts = list.Split(',');
            var numbers = new double[parts.Length];
            for (int i = 0; i < parts.Length; i++)
                if (!InvariantNumber.TryParse(parts[i], out numbers[i]))
                {
                    problem = $"holds '{parts[i].Trim()}', not a number";
                    return null;
                }
            problem = null;
            return numbers;
        }
    }

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

    /// <summary>A boolean option whose default is None (Muon's use_muon): null when absent or None.</summary>
    public bool? OptionalFlag(string key) => _values.TryGetValue(key, out var v) && v is not PythonNone ? Flag(key, false) : Unset(key);

    private bool? Unset(string key)
    {
        Read(key, out _);
        return null;
    }

    /// <summary>A pair option such as betas, or <paramref name="fallback"/> when absent.</summary>
    public (double, double) Pair(string key, (double, double) fallback) => Read(key, out var v) ? v switch
    {
        double[] { Length: 2 } a => (a[0], a[1]),
        _ => throw new InvalidOptionException(key, v, "must be a pair of numbers"),
    } : fallback;

    /// <summary>A number option whose default is None (Prodigy's beta3, AdEMAMix's warmups): null when absent or None.</summary>
    public double? OptionalNumber(string key) => Read(key, out var v) ? AsNumber(key, v) : null;

    /// <summary>A tuple option of <paramref name="length"/> numbers, such as AdEMAMix's three betas, or <paramref name="fallback"/> when absent.</summary>
    public double[] Numbers(string key, int length, double[] fallback) => Read(key, out var v) ? v switch
    {
        double[] a when a.Length == length => a,
        _ => throw new InvalidOptionException(key, v, $"must be {length} numbers"),
    } : fallback;

    /// <summary>An integer option, or <paramref name="fallback"/> when absent.</summary>
    public int Integer(string key, int fallback) => Read(key, out var v) ? AsInteger(key, v) : fallback;

    private static int AsInteger(string key, object v)
    {
        double d = AsNumber(key, v);
        return d == Math.Floor(d) && d >= int.MinValue && d <= int.MaxValue ? (int)d
            : throw new InvalidOptionException(key, v, "must be an integer");
    }

    /// <summary>An integer option whose default is None (LBFGS's max_eval): null when absent or None.</summary>
    public int? OptionalInteger(string key) => Read(key, out var v) ? AsInteger(key, v) : null;

    /// <summary>
    /// A choice among the names of <paramref name="type"/>, an enum, given as text in snake_case or as the .NET name
    /// (case-insensitive: "inside_sqrt", "insidesqrt", "InsideSqrt"), or <paramref name="fallback"/> when absent.
    /// </summary>
    public Enum Choice(string key, Type type, Enum fallback)
    {
        if (!Read(key, out var v)) return fallback;
        if (v is string text)
            foreach (var name in Enum.GetNames(type))
                if (string.Equals(name, text.Replace("_", ""), StringComparison.OrdinalIgnoreCase))
                    return (Enum)Enum.Parse(type, name);
        throw new InvalidOptionException(key, v, $"must be one of {string.Join(", ", Enum.GetNames(type).Select(n => n.ToLowerInvariant()))}");
    }

    /// <summary>A text option, or <paramref name="fallback"/> when absent.</summary>
    public string? Text(string key, string? fallback) => Read(key, out var v) ? v switch
    {
        string s => s,
        _ => throw new InvalidOptionException(key, v, "must be text"),
    } : fallback;

    /// <summary>
    /// A pair whose first element may be None (Adafactor's <c>eps</c>), or <paramref name="fallback"/> when absent.
    /// </summary>
    public (double?, double) NullablePair(string key, (double?, double) fallback) => Read(key, out var v) ? v switch
    {
        double[] { Length: 2 } a => (a[0], a[1]),
        double?[] { Length: 2 } a when a[1] is double second => (a[0], second),
        _ => throw new InvalidOptionException(key, v, "must be a pair of numbers, the first of which may be None"),
    } : fallback;

    /// <summary>
    /// Nested options (the inner optimizer of a wrapper such as Lookahead), or <see cref="Empty"/>-like options when
    /// absent; the caller checks them with <see cref="EnsureAllUsed"/> (or <see cref="OptimizerCatalog.Create"/> does).
    /// </summary>
    public TorchOptions Nested(string key) => Read(key, out var v) ? v switch
    {
        IReadOnlyDictionary<string, object> d => new TorchOptions(d),
        _ => throw new InvalidOptionException(key, v, "must be an object of options"),
    } : new TorchOptions(new Dictionary<string, object>());

    /// <summary>
    /// The options not read so far, marked as read: a wrapper (SAM, Lookahead) passes them on to the optimizer it
    /// wraps, whose own check then names any it does not know.
    /// </summary>
    public IReadOnlyDictionary<string, object> TakeUnread()
    {
        var rest = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in _values)
            if (_used.Add(key)) rest[key] = value;
        return rest;
    }

    /// <summary>Throws when an option was given that the optimizer did not read, listing the ones it knows.</summary>
    public void EnsureAllUsed(string optimizer)
    {
        var unknown = _values.Keys.Where(k => !_used.Contains(k)).ToList();
        if (unknown.Count > 0)
            throw new InvalidOptionException(unknown[0], _values[unknown[0]], $"{optimizer} has no option '{unknown[0]}'; its options: {string.Join(", ", _known)}", optimizer);
    }

    /// <summary>True when the optimizer read (or looked for) keyword <paramref name="key"/>.</summary>
    internal bool WasRead(string key) => _known.Contains(key);

    /// <summary>The value given for <paramref name="key"/>, or null.</summary>
    public object? ValueOf(string key) => _values.TryGetValue(key, out var v) ? v : null;

    private bool Read(string key, out object value)
    {
        if (!_known.Contains(key)) _known.Add(key);
        _used.Add(key);
        return _values.TryGetValue(key, out value!) && value is not PythonNone;
    }

    /// <summary>The type of <see cref="None"/>.</summary>
    private sealed class PythonNone
    {
        public override string ToString() => "None";
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
