namespace Descent.Optim;

/// <summary>The ranges a hyper-parameter's values must lie in, each checked the same way for every optimizer.</summary>
public enum Must
{
    /// <summary>No range: any value of the type (or a check of the setter's own, stated in the doc line).</summary>
    Any,
    /// <summary>A finite number.</summary>
    BeFinite,
    /// <summary>A finite number ≥ 0.</summary>
    BeNonNegative,
    /// <summary>A finite number &gt; 0.</summary>
    BePositive,
    /// <summary>A finite number ≤ 0.</summary>
    BeNonPositive,
    /// <summary>A number in [0, 1).</summary>
    BeInUnitInterval,
    /// <summary>A number in [0, 1].</summary>
    BeInClosedUnitInterval,
    /// <summary>A finite number ≥ 1.</summary>
    BeAtLeastOne,
}

/// <summary>Checks a value against a <see cref="Must"/> range and words the range.</summary>
public static class MustExtensions
{
    /// <summary>The range in words, as error messages and <c>explain</c> print it ("a finite number >= 0").</summary>
    public static string Text(this Must must) => must switch
    {
        Must.BeFinite => "a finite number",
        Must.BeNonNegative => "a finite number >= 0",
        Must.BePositive => "a finite number > 0",
        Must.BeNonPositive => "a finite number <= 0",
        Must.BeInUnitInterval => "in [0, 1)",
        Must.BeInClosedUnitInterval => "in [0, 1]",
        Must.BeAtLeastOne => "a finite number >= 1",
        _ => "any value",
    };

    /// <summary>The range in symbols, for tables ("≥ 0", "[0, 1)"); empty for <see cref="Must.Any"/>.</summary>
    public static string Symbol(this Must must) => must switch
    {
        Must.BeFinite => "finite",
        Must.BeNonNegative => "≥ 0",
        Must.BePositive => "> 0",
        Must.BeNonPositive => "≤ 0",
        Must.BeInUnitInterval => "[0, 1)",
        Must.BeInClosedUnitInterval => "[0, 1]",
        Must.BeAtLeastOne => "≥ 1",
        _ => "",
    };

    /// <summary>
    /// The range in words for an integer hyper-parameter ("an integer >= 1"); the unit intervals read as for numbers.
    /// </summary>
    public static string IntegerText(this Must must) => must switch
    {
        Must.BeFinite => "an integer",
        Must.BeNonNegative => "an integer >= 0",
        Must.BePositive => "an integer > 0",
        Must.BeNonPositive => "an integer <= 0",
        Must.BeAtLeastOne => "an integer >= 1",
        _ => must.Text(),
    };

    /// <summary>True when <paramref name="value"/> lies in the range.</summary>
    public static bool Holds(this Must must, double value) => must switch
    {
        Must.BeFinite => double.IsFinite(value),
        Must.BeNonNegative => value >= 0 && double.IsFinite(value),
        Must.BePositive => value > 0 && double.IsFinite(value),
        Must.BeNonPositive => value <= 0 && double.IsFinite(value),
        Must.BeInUnitInterval => value >= 0 && value < 1,
        Must.BeInClosedUnitInterval => value >= 0 && value <= 1,
        Must.BeAtLeastOne => value >= 1 && double.IsFinite(value),
        _ => true,
    };

    /// <summary>
    /// <paramref name="value"/> when it lies in the range, else an <see cref="ArgumentOutOfRangeException"/> for
    /// <paramref name="property"/> saying "<paramref name="noun"/> must be …".
    /// </summary>
    public static double Require(this Must must, double value, string property, string noun) =>
        must.Holds(value) ? value
            : throw new ArgumentOutOfRangeException(property, value, $"{noun} must be {must.Text()}");
}
