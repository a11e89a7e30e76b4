using System.Globalization;

namespace Descent.Conformance;

/// <summary>
/// The outcome of replaying one recorded case: the largest deviations from torch's values and whether every value
/// is within the tolerance, <c>|Descent − torch| ≤ atol + rtol·|torch|</c> (as <c>numpy.isclose</c>).
/// </summary>
/// <param name="Case">The case's name.</param>
/// <param name="Subject">The optimizer or scheduler the case records, by its torch class name.</param>
/// <param name="Options">The case's configuration, written as a torch constructor call, such as <c>Adam(lr=0.01, amsgrad=True)</c>.</param>
/// <param name="MaxAbsoluteDeviation">The largest |Descent − torch| over every compared value; NaN when the case could not run.</param>
/// <param name="MaxRelativeDeviation">
/// The largest |Descent − torch| / |torch| over every compared value where torch's is not 0 (those count only in the
/// absolute deviation); NaN when the case could not run.
/// </param>
/// <param name="Rtol">The relative tolerance the case was checked at.</param>
/// <param name="Atol">The absolute tolerance the case was checked at.</param>
/// <param name="FirstMismatch">The first value out of tolerance, described; null when none is.</param>
/// <param name="Error">Why the replay could not run (to the end), such as an unknown optimizer or option; null when it ran.</param>
public sealed record ConformanceResult(
    string Case,
    string Subject,
    string Options,
    double MaxAbsoluteDeviation,
    double MaxRelativeDeviation,
    double Rtol,
    double Atol,
    string? FirstMismatch,
    string? Error)
{
    /// <summary>The default relative tolerance of <c>descent check</c>.</summary>
    public const double DefaultRtol = 1e-5;

    /// <summary>The default absolute tolerance of <c>descent check</c>.</summary>
    public const double DefaultAtol = 1e-6;

    /// <summary>True when the replay ran and every value is within the tolerance.</summary>
    public bool Passed => Error is null && FirstMismatch is null;

    /// <summary>Why the case failed (the error, else the first mismatch); null when it passed.</summary>
    public string? Failure => Error ?? FirstMismatch;

    /// <summary>Throws unless both tolerances are finite and not negative.</summary>
    internal static void CheckTolerances(double rtol, double atol)
    {
        if (!(rtol >= 0) || double.IsInfinity(rtol)) throw new ArgumentOutOfRangeException(nameof(rtol), rtol, "rtol must be a finite number >= 0");
        if (!(atol >= 0) || double.IsInfinity(atol)) throw new ArgumentOutOfRangeException(nameof(atol), atol, "atol must be a finite number >= 0");
    }

    /// <summary>The message of a library error without the runtime's " (Parameter 'x')" suffix, on one line.</summary>
    internal static string Reason(Exception e) => e switch
    {
        InvalidOptionException o => o.Reason.ReplaceLineEndings(" "),
        ArgumentException a => InvalidOptionException.ReasonOf(a).ReplaceLineEndings(" "),
        InvalidDataException => e.Message.ReplaceLineEndings(" ").Trim(),
        _ => $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ").Trim()}",
    };
}

/// <summary>Accumulates the largest deviations of one replay and remembers the first value out of tolerance.</summary>
internal sealed class DeviationTracker(double rtol, double atol)
{
    public double MaxAbsolute { get; private set; }

    public double MaxRelative { get; private set; }

    public string? FirstMismatch { get; private set; }

    /// <summary>Records one comparison; true when <paramref name="ours"/> is within the tolerance of <paramref name="torch"/>.</summary>
    public bool Observe(double torch, double ours)
    {
        if (ours.Equals(torch)) return true; // also NaN against NaN, and equal infinities
        double diff = Math.Abs(ours - torch);
        if (!double.IsFinite(diff) || !double.IsFinite(torch))
        {
            MaxAbsolute = MaxRelative = double.PositiveInfinity;
            return false;
        }
        MaxAbsolute = Math.Max(MaxAbsolute, diff);
        if (torch != 0) MaxRelative = Math.Max(MaxRelative, diff / Math.Abs(torch));
        return diff <= atol + rtol * Math.Abs(torch);
    }

    /// <summary>Records that two values must be equal (a step count); true when they are.</summary>
    public bool ObserveExact(double torch, double ours)
    {
        Observe(torch, ours);
        return ours.Equals(torch);
    }

    /// <summary>Notes a mismatch; only the first is kept.</summary>
    public void Mismatch(string description) => FirstMismatch ??= description;

    public ConformanceResult Result(string name, string subject, string options, string? error = null) =>
        new(name, subject, options, MaxAbsolute, MaxRelative, rtol, atol, FirstMismatch, error);
}

/// <summary>How values are written in options and messages: Python's spelling, so they read like the recording script.</summary>
internal static class PythonText
{
    public static string Number(double x)
    {
        if (double.IsNaN(x)) return "nan";
        if (double.IsInfinity(x)) return x > 0 ? "inf" : "-inf";
        return x.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }

    public static string Number(float x)
    {
        if (float.IsNaN(x) || float.IsInfinity(x)) return Number((double)x);
        return x.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);
    }

    public static string Value(object value) => value switch
    {
        bool b => b ? "True" : "False",
        double d => Number(d),
        int i => i.ToString(CultureInfo.InvariantCulture),
        long l => l.ToString(CultureInfo.InvariantCulture),
        string s => $"'{s}'",
        double[] a => "[" + string.Join(", ", a.Select(Number)) + "]",
        double?[] a => "[" + string.Join(", ", a.Select(x => x is double d ? Number(d) : "None")) + "]",
        IReadOnlyDictionary<string, object> d => "{" + string.Join(", ", d.Select(kv => $"'{kv.Key}': {Value(kv.Value)}")) + "}",
        _ => value.ToString() ?? "",
    };

    /// <summary><c>Name(key=value, ...)</c>.</summary>
    public static string Call(string name, IEnumerable<string> arguments) => $"{name}({string.Join(", ", arguments)})";
}
