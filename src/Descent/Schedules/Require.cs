namespace Descent.Schedules;

/// <summary>The argument checks the schedules share; each names the argument and the value it got.</summary>
internal static class Require
{
    public static double Finite(double value, string name, string what) =>
        double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number");

    public static double NonNegative(double value, string name, string what) =>
        value >= 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number >= 0");

    public static double Positive(double value, string name, string what) =>
        value > 0 && double.IsFinite(value) ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be a finite number > 0");

    public static long AtLeast(long value, long minimum, string name, string what) =>
        value >= minimum ? value : throw new ArgumentOutOfRangeException(name, value, $"{what} must be an integer >= {minimum}");

    /// <summary>A schedule is evaluated at steps 0, 1, 2, ...</summary>
    public static long Step(long step) =>
        step >= 0 ? step : throw new ArgumentOutOfRangeException(nameof(step), step, "a schedule is evaluated at steps >= 0");

    /// <summary>Non-null values, one per parameter group of <paramref name="optimizer"/>.</summary>
    public static IReadOnlyList<T> OnePerGroup<T>(IReadOnlyList<T> values, Optim.Optimizer optimizer, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        int groups = optimizer.ParamGroups.Count;
        if (values.Count != groups)
            throw new ArgumentException($"expected {groups} {what} (one per parameter group), got {values.Count}", name);
        for (int i = 0; i < values.Count; i++)
            if (values[i] is null) throw new ArgumentNullException(name, $"{what} [{i}] is null");
        return values;
    }

    /// <summary>Strictly increasing integers, each at least <paramref name="minimum"/>.</summary>
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
