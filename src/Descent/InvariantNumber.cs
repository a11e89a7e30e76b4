using System.Globalization;

namespace Descent;

/// <summary>
/// The one parser of numbers typed by users (command-line flags, optimizer lists, schedule specs, experiment
/// files): the invariant culture, a point for decimals, an optional exponent, and no group separators, whatever the
/// machine's culture. "0,1" and "1,000" are refused rather than read as 1 or 1000.
/// </summary>
public static class InvariantNumber
{
    /// <summary>How numbers must be written, for error messages.</summary>
    public const string Form = "write numbers with a point for decimals and no group separators, e.g. 0.1, 1e-3, 1000";

    /// <summary>Parses a floating-point number (NaN and infinities are accepted as such; callers check ranges).</summary>
    public static bool TryParse(string? text, out double value) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    /// <summary>Parses a 32-bit integer: an optional sign and digits only.</summary>
    public static bool TryParse(string? text, out int value) =>
        int.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Parses a 64-bit integer: an optional sign and digits only.</summary>
    public static bool TryParse(string? text, out long value) =>
        long.TryParse(text?.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    /// <summary>Parses an unsigned 64-bit integer: digits only.</summary>
    public static bool TryParse(string? text, out ulong value) =>
        ulong.TryParse(text?.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out value);
}
