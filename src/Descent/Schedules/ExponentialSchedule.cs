namespace Descent.Schedules;

/// <summary>Exponential decay (or growth): <c>v(t) = start · γ^t</c>, never past <c>bound</c> when one is given.</summary>
public sealed class ExponentialSchedule : ISchedule
{
    /// <summary>Starts at <paramref name="start"/> (finite) and multiplies by <paramref name="gamma"/> (finite, ≥ 0) every step.</summary>
    /// <param name="start">The value at step 0.</param>
    /// <param name="gamma">The factor per step.</param>
    /// <param name="bound">An optional finite floor (γ &lt; 1) or ceiling (γ &gt; 1) on the value.</param>
    public ExponentialSchedule(double start, double gamma, double? bound = null)
    {
        Start = Require.Finite(start, nameof(start), "the start value");
        Gamma = Require.NonNegative(gamma, nameof(gamma), "gamma");
        if (bound is { } b) Require.Finite(b, nameof(bound), "the bound");
        Bound = bound;
    }

    /// <summary>The value at step 0.</summary>
    public double Start { get; }

    /// <summary>The factor per step.</summary>
    public double Gamma { get; }

    /// <summary>The floor (decay) or ceiling (growth), if any.</summary>
    public double? Bound { get; }

    /// <inheritdoc/>
    public double this[long step]
    {
        get
        {
            double v = Start * Math.Pow(Gamma, Require.Step(step));
            if (Bound is not { } b) return v;
            return Gamma <= 1 ? Math.Max(v, b) : Math.Min(v, b);
        }
    }
}
