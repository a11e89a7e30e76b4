namespace Descent.Optim;

/// <summary>
/// Hyper-parameters every optimizer has. Each optimizer derives its own options class whose setters validate, so
/// an invalid value is rejected both at construction and when a schedule or user changes it.
/// </summary>
public abstract class OptimizerOptions
{
    private double _lr;

    /// <summary>The learning rate, a finite number ≥ 0.</summary>
    public double Lr
    {
        get => _lr;
        set => _lr = Check.NonNegative(value, nameof(Lr), "learning rate");
    }

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
}
