namespace Descent.Schedules;

/// <summary>
/// Schedules one after another (optax's join_schedules): schedule k is used from boundary k − 1 on, evaluated at
/// the steps since that boundary; so <c>[warmup, decay]</c> with boundary [W] gives warmup[t] for t &lt; W and
/// decay[t − W] after.
/// </summary>
public sealed class JoinedSchedule : ISchedule
{
    private readonly ISchedule[] _schedules;
    private readonly long[] _boundaries;

    /// <summary>Joins <paramref name="schedules"/> at <paramref name="boundaries"/> (one fewer, strictly increasing, ≥ 1).</summary>
    public JoinedSchedule(IReadOnlyList<ISchedule> schedules, IReadOnlyList<long> boundaries)
    {
        ArgumentNullException.ThrowIfNull(schedules);
        if (schedules.Count == 0) throw new ArgumentException("at least one schedule is needed", nameof(schedules));
        for (int i = 0; i < schedules.Count; i++)
            if (schedules[i] is null) throw new ArgumentNullException(nameof(schedules), $"schedule [{i}] is null");
        _schedules = schedules.ToArray();
        _boundaries = Require.Increasing(boundaries, 1, nameof(boundaries), "boundaries");
        if (_boundaries.Length != _schedules.Length - 1)
            throw new ArgumentException($"{_schedules.Length} schedules need {_schedules.Length - 1} boundaries, got {_boundaries.Length}", nameof(boundaries));
    }

    /// <summary>The schedules, in order.</summary>
    public IReadOnlyList<ISchedule> Schedules => _schedules;

    /// <summary>The steps at which the next schedule starts.</summary>
    public IReadOnlyList<long> Boundaries => _boundaries;

    /// <inheritdoc/>
    public double this[long step]
    {
        get
        {
            Require.Step(step);
            int k = _boundaries.Count(b => b <= step);
            return _schedules[k][k == 0 ? step : step - _boundaries[k - 1]];
        }
    }
}
