using System.Runtime.CompilerServices;

namespace Descent.Optim;

/// <summary>
/// Hyper-parameters every optimizer has. Each optimizer derives its own options class, whose properties marked with
/// <see cref="HyperAttribute"/> form its hyper-parameter table (<see cref="HyperTable"/>): keyword, default, range
/// and doc line in one place. The setters check their range through <see cref="Checked{T}(T, string)"/>, so an
/// invalid value is rejected both at construction and when a schedule or user changes it.
/// </summary>
public abstract class OptimizerOptions
{
    /// <summary>The learning rate η, a finite number ≥ 0.</summary>
    [Hyper("lr", "learning rate: the size of each step", Symbol = "η", Must = Must.BeNonNegative, Noun = "learning rate")]
    public double Lr { get; set => field = Checked(value); }

    /// <summary>The hyper-parameter table of this options class.</summary>
    public HyperTable Table => HyperTable.Of(GetType());

    /// <summary>
    /// <paramref name="value"/> checked against the range of <paramref name="property"/>'s row of the table (each
    /// element of a pair); a setter writes <c>set =&gt; field = Checked(value);</c>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is out of range; the message names it.</exception>
    protected T Checked<T>(T value, [CallerMemberName] string property = "") =>
        (Table.Find(property) ?? throw new InvalidOperationException($"{GetType().Name}.{property} has no [Hyper] row")).Check(value);

    /// <summary>A copy, so each parameter group owns its values.</summary>
    public OptimizerOptions Clone() => (OptimizerOptions)MemberwiseClone();

    /// <summary>Checks the rules that tie several values together (single values are checked by their setters).</summary>
    public virtual void Validate() { }
}

/// <summary>The validation rules shared by the optimizers' options, each naming the argument and the value.</summary>
public static class Check
{
    /// <summary>A finite number ≥ 0.</summary>
    public static double NonNegative(double value, string name, string what) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number >= 0");

    /// <summary>A finite number &gt; 0.</summary>
    public static double Positive(double value, string name, string what) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number > 0");

    /// <summary>A number in [0, 1).</summary>
    public static double UnitInterval(double value, string name, string what) =>
        value >= 0 && value < 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be in [0, 1)");

    /// <summary>A number in [0, 1].</summary>
    public static double ClosedUnitInterval(double value, string name, string what) =>
        value >= 0 && value <= 1 ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be in [0, 1]");

    /// <summary>A finite number.</summary>
    public static double Finite(double value, string name, string what) =>
        double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number");

    /// <summary>An integer ≥ <paramref name="minimum"/>.</summary>
    public static long AtLeast(long value, long minimum, string name, string what) =>
        value >= minimum ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be an integer >= {minimum}");

    /// <summary>Strictly increasing integers, each ≥ <paramref name="minimum"/>, as a new array.</summary>
    public static long[] Increasing(IReadOnlyList<long> values, long minimum, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        var result = values.ToArray();
        for (int i = 0; i < result.Length; i++)
        {
            if (result[i] < minimum)
                throw new ArgumentOutOfRangeException(name, result[i], $"{what} must be integers >= {minimum}");
            if (i > 0 && result[i] <= result[i - 1])
                throw new ArgumentException($"{what} must be strictly increasing, got {string.Join(", ", result)}", name);
        }
        return result;
    }
}
