namespace Descent.Schedules;

/// <summary>A schedule given by a function of the step.</summary>
public sealed class FunctionSchedule : ISchedule
{
    private readonly Func<long, double> _function;

    /// <summary>The values of <paramref name="function"/>, which should be pure.</summary>
    public FunctionSchedule(Func<long, double> function) => _function = function ?? throw new ArgumentNullException(nameof(function));

    /// <inheritdoc/>
    public double this[long step] => _function(Require.Step(step));
}
