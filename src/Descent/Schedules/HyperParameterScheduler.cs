using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Drives any hyper-parameter of every parameter group from a pure <see cref="ISchedule"/>: after building, the
/// value is <c>schedule[0]</c>, and after n calls to <see cref="LRScheduler.Step()"/> it is <c>schedule[n]</c>.
/// The seed's momentum ramp ("initialized at 0.5 and gradually increased to 0.9 over multiple epochs") is
/// <c>new HyperParameterScheduler(sgd, HyperParameter.Momentum, Schedule.MomentumRamp(epochs))</c>, stepped
/// per epoch.
/// </summary>
/// <remarks>
/// It is an <see cref="LRScheduler"/>, so it can be chained (<see cref="ChainedScheduler"/>) with schedulers of the
/// learning rate, or be a stage of <see cref="SequentialLR"/> (restarting at schedule[0]). When the target is not the
/// learning rate, the rates are left as they are.
/// </remarks>
public sealed class HyperParameterScheduler : LRScheduler
{
    private readonly ISchedule[] _schedules;

    /// <summary>Drives <paramref name="target"/> of every group from <paramref name="schedule"/>.</summary>
    public HyperParameterScheduler(Optimizer optimizer, HyperParameter target, ISchedule schedule)
        : this(optimizer, target, Enumerable.Repeat(schedule ?? throw new ArgumentNullException(nameof(schedule)), optimizer?.ParamGroups.Count ?? 0).ToArray()) { }

    /// <summary>Drives <paramref name="target"/> of each group from its own schedule, in group order.</summary>
    public HyperParameterScheduler(Optimizer optimizer, HyperParameter target, IReadOnlyList<ISchedule> schedules) : base(optimizer)
    {
        Target = target ?? throw new ArgumentNullException(nameof(target));
        _schedules = OnePerGroup(schedules, optimizer, nameof(schedules), "schedules").ToArray();
        if (!Target.AppliesTo(optimizer.DefaultOptions))
            throw new ArgumentException($"{optimizer.DefaultOptions.GetType().Name} has no {Target.Name} to schedule", nameof(target));
        Start();
    }

    /// <summary>The hyper-parameter driven.</summary>
    public HyperParameter Target { get; }

    /// <summary>Each group's schedule.</summary>
    public IReadOnlyList<ISchedule> Schedules => _schedules;

    /// <summary>The current value of the target in each group.</summary>
    public IReadOnlyList<double> Values => Enumerable.Range(0, GroupCount).Select(i => Target.Get(GroupOptions(i))).ToArray();

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var values = new double[GroupCount];
        for (int i = 0; i < values.Length; i++) values[i] = _schedules[i][LastEpoch];
        if (ReferenceEquals(Target, HyperParameter.Lr)) return values;
        for (int i = 0; i < values.Length; i++) Target.Set(GroupOptions(i), values[i]);
        return CurrentLrs();
    }

    /// <inheritdoc/>
    protected override void SaveState(IDictionary<string, double> state, string prefix)
    {
        base.SaveState(state, prefix);
        if (ReferenceEquals(Target, HyperParameter.Lr)) return;
        for (int i = 0; i < GroupCount; i++) state[$"{prefix}{Target.Name}.{i}"] = Target.Get(GroupOptions(i));
    }

    /// <inheritdoc/>
    protected override void LoadState(StateReader state, string prefix)
    {
        double[]? values = null;
        if (!ReferenceEquals(Target, HyperParameter.Lr))
        {
            values = new double[GroupCount];
            for (int i = 0; i < values.Length; i++) values[i] = state.Finite($"{prefix}{Target.Name}.{i}");
        }
        base.LoadState(state, prefix);
        if (values is not null)
            for (int i = 0; i < values.Length; i++) Target.Set(GroupOptions(i), values[i]);
    }
}
