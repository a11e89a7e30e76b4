using System.Globalization;
using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Scheduler options by their torch keyword names. Scalars (numbers, booleans, text) are read through
/// <see cref="TorchOptions"/>, so they get its conversions and messages; lists (milestones, and "float or list"
/// values such as max_lr) are read here, since <see cref="TorchOptions.Pair"/> takes exactly two numbers. Reading
/// marks a key used; <see cref="EnsureAllUsed"/> rejects the rest, naming the scheduler's options. A missing
/// required option is reported by <see cref="EnsureAllUsed"/> too (after unknown ones, so that a misspelt required
/// option is reported as misspelt); until then the Required readers return 0.
/// </summary>
public sealed class SchedulerOptions
{
    private readonly IReadOnlyDictionary<string, object> _values;
    private readonly TorchOptions _scalars;
    private readonly List<string> _known = [];
    private readonly List<string> _missing = [];

    /// <summary>Wraps <paramref name="values"/>: each a double (or int), a bool, a string, or a double[].</summary>
    public SchedulerOptions(IReadOnlyDictionary<string, object> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values;
        _scalars = new TorchOptions(values);
    }

    /// <summary>The keys read so far, in order: the options of the scheduler that read them.</summary>
    public IReadOnlyList<string> Known => _known;

    /// <summary>Whether <paramref name="key"/> was given (marks it known).</summary>
    public bool Has(string key)
    {
        Mark(key);
        return _values.ContainsKey(key);
    }

    /// <summary>A number, or <paramref name="fallback"/> when absent.</summary>
    public double Number(string key, double fallback) => Mark(key) ? _scalars.Number(key, fallback) : fallback;

    /// <summary>A number that has no default.</summary>
    public double RequiredNumber(string key) => Mark(key) ? _scalars.RequiredNumber(key) : Missing(key);

    /// <summary>A boolean, or <paramref name="fallback"/> when absent.</summary>
    public bool Flag(string key, bool fallback) => Mark(key) ? _scalars.Flag(key, fallback) : fallback;

    /// <summary>Text, or <paramref name="fallback"/> when absent.</summary>
    public string? Text(string key, string? fallback) => Mark(key) ? _scalars.Text(key, fallback) : fallback;

    /// <summary>An integer, or <paramref name="fallback"/> when absent.</summary>
    public long Integer(string key, long fallback) => Mark(key) ? ToInteger(key, _scalars.RequiredNumber(key)) : fallback;

    /// <summary>An integer that has no default.</summary>
    public long RequiredInteger(string key) => Mark(key) ? ToInteger(key, _scalars.RequiredNumber(key)) : (long)Missing(key);

    /// <summary>An integer, or null when absent.</summary>
    public long? OptionalInteger(string key) => Mark(key) ? ToInteger(key, _scalars.RequiredNumber(key)) : null;

    /// <summary>One of <paramref name="choices"/> (case-insensitive), or <paramref name="fallback"/> when absent.</summary>
    public T Choice<T>(string key, T fallback, params (string Name, T Value)[] choices)
    {
        if (!Mark(key)) return fallback;
        string text = _scalars.Text(key, null)!;
        foreach (var (name, value) in choices)
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase)) return value;
        throw new ArgumentException($"option '{key}' must be one of {string.Join(", ", choices.Select(c => c.Name))}, got '{text}'", key);
    }

    /// <summary>A list of integers (a single number is a list of one), or null when absent.</summary>
    public long[]? Integers(string key)
    {
        if (!Mark(key)) return null;
        return _values[key] switch
        {
            double[] a => a.Select(v => ToInteger(key, v)).ToArray(),
            double or int => [ToInteger(key, _scalars.RequiredNumber(key))],
            var v => throw new ArgumentException($"option '{key}' must be a list of integers, got {Describe(v)}", key),
        };
    }

    /// <summary>A required list of integers.</summary>
    public long[] RequiredIntegers(string key) => Integers(key) ?? [(long)Missing(key)];

    /// <summary>A number for every parameter group or a list of one per group; <paramref name="fallback"/> when absent.</summary>
    public PerGroup? PerGroupNumbers(string key, double? fallback)
    {
        if (!Mark(key)) return fallback is { } f ? new PerGroup(f) : (PerGroup?)null;
        return _values[key] switch
        {
            double[] a => new PerGroup(a),
            _ => new PerGroup(_scalars.RequiredNumber(key)),
        };
    }

    /// <summary>A required number or list of one per group.</summary>
    public PerGroup RequiredPerGroup(string key) => PerGroupNumbers(key, null) ?? new PerGroup(Missing(key));

    /// <summary>
    /// Throws when an option was given that was not read, listing the ones that were, or when a required option
    /// was not given.
    /// </summary>
    public void EnsureAllUsed(string scheduler)
    {
        var unknown = _values.Keys.Where(k => !_known.Contains(k)).ToList();
        if (unknown.Count > 0)
        {
            string hint = unknown[0] switch
            {
                "last_epoch" => " (to resume, build the scheduler as before and load its state dict)",
                "verbose" => " (Descent's schedulers do not print; read LastLr)",
                _ => "",
            };
            string known = _known.Count == 0 ? "none" : string.Join(", ", _known);
            throw new ArgumentException($"{scheduler} has no option '{unknown[0]}'{hint}; its options: {known}", unknown[0]);
        }
        if (_missing.Count > 0) throw new ArgumentException($"{scheduler}: option '{_missing[0]}' is required", _missing[0]);
    }

    private double Missing(string key)
    {
        if (!_missing.Contains(key)) _missing.Add(key);
        return 0;
    }

    private bool Mark(string key)
    {
        if (!_known.Contains(key)) _known.Add(key);
        return _values.ContainsKey(key);
    }

    private static long ToInteger(string key, double v) =>
        v == Math.Floor(v) && Math.Abs(v) <= 1L << 53 ? (long)v
            : throw new ArgumentException($"option '{key}' must be an integer, got {v.ToString("R", CultureInfo.InvariantCulture)}", key);

    private static string Describe(object v) => v switch
    {
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => v.ToString() ?? "null",
    };
}
