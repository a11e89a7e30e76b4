using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Steps several schedulers together, as torch.optim.lr_scheduler.ChainedScheduler: each <see cref="Step"/> steps
/// every child in order, so chainable children compose (e.g. a constant warmup factor times an exponential decay).
/// </summary>
/// <remarks>Build the children first, on one optimizer; building the chain changes nothing.</remarks>
public sealed class ChainedScheduler : LRScheduler
{
    private readonly LRScheduler[] _schedulers;

    /// <summary>Chains <paramref name="schedulers"/>: at least one, distinct, all on the same optimizer.</summary>
    public ChainedScheduler(IReadOnlyList<LRScheduler> schedulers)
        : base((schedulers ?? throw new ArgumentNullException(nameof(schedulers))).Count > 0 && schedulers[0] is not null
            ? schedulers[0].Optimizer
            : throw new ArgumentException("ChainedScheduler needs at least one scheduler", nameof(schedulers)))
    {
        _schedulers = SequentialLR.CheckChildren(Optimizer, schedulers, nameof(schedulers), nameof(ChainedScheduler));
        LastEpoch = 0;
        SetBaseLrs(CurrentLrs());
        RecordLastLr();
    }

    /// <summary>The children, in order.</summary>
    public IReadOnlyList<LRScheduler> Schedulers => _schedulers;

    /// <summary>Steps every child, in order.</summary>
    public override void Step()
    {
        foreach (var s in _schedulers) s.Step();
        LastEpoch++;
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
