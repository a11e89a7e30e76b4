namespace Descent.Schedules;

/// <summary>The same value at every step.</summary>
public sealed class ConstantSchedule : ISchedule
{
    /// <summary>Always <paramref name="value"/>, a finite number.</summary>
    public ConstantSchedule(double value) => Value = Require.Finite(value, nameof(value), "the value");

    /// <summary>The value.</summary>
    public double Value { get; }

    /// <inheritdoc/>
    public double this[long step] { get { Require.Step(step); return Value; } }
}
