using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Runs schedulers one after another, switching at milestone epochs, as torch.optim.lr_scheduler.SequentialLR:
/// scheduler k is stepped for epochs in [milestone[k−1], milestone[k]); at each milestone the next scheduler is
/// restarted at its epoch 0 (torch's <c>step(0)</c>, the closed form where there is one). Typical use: a linear
/// warmup, then a cosine decay.
/// </summary>
/// <remarks>
/// Build the children first, on the same optimizer: as in torch, each child performs its initial step when built,
/// then SequentialLR resets every group's rate to its "initial_lr", undoes the children's initial steps and
/// repeats the first child's. Momentum set by a child (OneCycleLR, CyclicLR) is not reset. Children may not be
/// SequentialLR or ChainedScheduler (torch cannot run those either).
/// </remarks>
public sealed class SequentialLR : LRScheduler
{
    private readonly LRScheduler[] _schedulers;
    private readonly long[] _milestones;

    /// <summary>Combines <paramref name="schedulers"/>, all built on <paramref name="optimizer"/>.</summary>
    /// <param name="optimizer">The optimizer every child drives.</param>
    /// <param name="schedulers">The children, in order; at least one, each distinct.</param>
    /// <param name="milestones">The epochs at which to switch: one fewer than the children, strictly increasing integers ≥ 1.</param>
    public SequentialLR(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, IReadOnlyList<long> milestones) : base(optimizer)
    {
        _schedulers = CheckChildren(optimizer, schedulers, nameof(schedulers), nameof(SequentialLR));
        foreach (var s in _schedulers)
            if (s is SequentialLR or ChainedScheduler)
                throw new ArgumentException($"SequentialLR cannot contain a {s.GetType().Name}", nameof(schedulers));
        _milestones = Check.Increasing(milestones, 1, nameof(milestones), "milestones");
        if (_milestones.Length != _schedulers.Length - 1)
            throw new ArgumentException(
                $"SequentialLR needs one milestone fewer than schedulers: got {_schedulers.Length} schedulers and {_milestones.Length} milestones",
                nameof(milestones));

        LastEpoch = 0;
        for (int i = 0; i < GroupCount; i++) GroupOptions(i).Lr = GroupEntry(i, "initial_lr");
        foreach (var s in _schedulers) s.UndoInitialStep();
        _schedulers[0].RedoInitialStep();
        SetBaseLrs(_schedulers[0].BaseLrs);
        RecordLastLr();
    }

    /// <summary>The children, in order.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    /// <summary>The epochs at which the next child takes over.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    internal static LRScheduler[] CheckChildren(Optimizer optimizer, IReadOnlyList<LRScheduler> schedulers, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(schedulers, name);
        if (schedulers.Count == 0) throw new ArgumentException($"{what} needs at least one scheduler", name);
        var seen = new HashSet<LRScheduler>(ReferenceEqualityComparer.Instance);
        for (int i = 0; i < schedulers.Count; i++)
        {
            var s = schedulers[i] ?? throw new ArgumentNullException(name, $"scheduler [{i}] is null");
            if (!ReferenceEquals(s.Optimizer, optimizer))
                throw new ArgumentException($"{what} expects all schedulers to belong to the same optimizer, but scheduler [{i}] drives another", name);
            if (!seen.Add(s)) throw new ArgumentException($"scheduler [{i}] appears twice in {what}", name);
        }
        return schedulers.ToArray();
    }

    /// <summary>Advances one epoch: steps the current child, or restarts the next one at a milestone.</summary>
    public override void Step()
    {
        LastEpoch++;
        int idx = _milestones.Count(m => m <= LastEpoch);
        var scheduler = _schedulers[idx];
        if (idx > 0 && _milestones[idx - 1] == LastEpoch) scheduler.StepToEpoch(0);
        else scheduler.Step();
        RecordLastLr();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLr() => CurrentLrs();

    /// <inheritdoc/>
    protected override void SaveState(IDictionary<string, double> state, string prefix)
    {
        base.SaveState(state, prefix);
        for (int k = 0; k < _schedulers.Length; k++) _schedulers[k].SaveChild(state, $"{prefix}schedulers.{k}.");
    }

    /// <inheritdoc/>
    protected override void LoadState(StateReader state, string prefix)
    {
        for (int k = 0; k < _schedulers.Length; k++) _schedulers[k].LoadChild(state, $"{prefix}schedulers.{k}.");
        base.LoadState(state, prefix);
    }
}
