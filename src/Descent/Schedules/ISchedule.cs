namespace Descent.Schedules;

/// <summary>
/// A pure schedule: a value for every step 0, 1, 2, ... with no state (like optax's schedules). Schedules are
/// validated when built and evaluated at any step in any order; a negative step is an
/// <see cref="ArgumentOutOfRangeException"/>. A <see cref="HyperParameterScheduler"/> drives an optimizer from one.
/// </summary>
public interface ISchedule
{
    /// <summary>The value at <paramref name="step"/> (≥ 0).</summary>
    double this[long step] { get; }
}

/// <summary>Helpers for <see cref="ISchedule"/>.</summary>
public static class ScheduleExtensions
{
    /// <summary>The values at steps 0 … <paramref name="count"/> − 1.</summary>
    public static double[] Values(this ISchedule schedule, int count)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        var values = new double[count];
        for (int i = 0; i < count; i++) values[i] = schedule[i];
        return values;
    }

    /// <summary>The schedule as a function of the step.</summary>
    public static Func<long, double> AsFunc(this ISchedule schedule)
    {
        ArgumentNullException.ThrowIfNull(schedule);
        return step => schedule[step];
    }
}
