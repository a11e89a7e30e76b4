using Descent.Optim;

namespace Descent.Schedules;

/// <summary>The annealing curves of <see cref="OneCycleLR"/>.</summary>
public enum AnnealStrategy
{
    /// <summary>"cos": <c>end + (start − end)/2 · (1 + cos(π·pct))</c>.</summary>
    Cos,

    /// <summary>"linear": <c>(end − start)·pct + start</c>.</summary>
    Linear,
}

/// <summary>
/// The 1cycle policy (Smith and Topin, 2018), as torch.optim.lr_scheduler.OneCycleLR: the rate is annealed from
/// <c>max_lr / div_factor</c> up to <c>max_lr</c> over the first <c>pct_start</c> of the steps, then down to
/// <c>max_lr / div_factor / final_div_factor</c>; momentum (or Adam's β₁) is annealed inversely between
/// <c>max_momentum</c> and <c>base_momentum</c>. Meant to be stepped after every batch.
/// </summary>
/// <remarks>
/// <para>Two phases by default (fastai's form): steps [0, pct·T − 1] go initial → max, then → min at step T − 1.
/// With <c>three_phase</c> (the paper's form): initial → max → initial (symmetric about pct·T − 1), then → min.
/// Within a phase from step a to b, <c>pct = (t − a)/(b − a)</c>. Stepping more than <c>total_steps</c> times is an
/// <see cref="InvalidOperationException"/>, as in torch. The last step torch allows (to epoch total_steps, past the
/// end) extrapolates the last phase; where linear annealing then overshoots below zero, the rate is clamped to 0
/// (torch stores the negative rate).</para>
/// <para>Defaults: pct_start = 0.3, anneal_strategy = cos, cycle_momentum = true, base_momentum = 0.85,
/// max_momentum = 0.95, div_factor = 25, final_div_factor = 10⁴, three_phase = false; max_lr and either total_steps or
/// epochs and steps_per_epoch are required. Building sets each group's "initial_lr" to max_lr / div_factor (so
/// schedulers built after it start from there, as in torch) and its momentum or β₁ to max_momentum. With options that
/// have betas (<see cref="IBetaOptions"/>) β₁ is cycled, otherwise <see cref="IMomentumOptions.Momentum"/>.</para>
/// </remarks>
public sealed class OneCycleLR : LRScheduler
{
    private readonly record struct Phase(double EndStep, string StartLr, string EndLr, string StartMomentum, string EndMomentum);

    private readonly Phase[] _phases;
    private readonly MomentumDriver? _momentum;

    /// <summary>Builds the scheduler, sets the groups' rates (and momentum) and performs the initial step.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="maxLr">The peak rate of each group, a finite number ≥ 0 (or one per group).</param>
    /// <param name="totalSteps">The number of steps in the cycle, an integer ≥ 1; or give <paramref name="epochs"/> and <paramref name="stepsPerEpoch"/>.</param>
    /// <param name="epochs">With <paramref name="stepsPerEpoch"/>: total_steps = epochs · steps_per_epoch; an integer ≥ 1.</param>
    /// <param name="stepsPerEpoch">Steps per epoch, an integer ≥ 1.</param>
    /// <param name="pctStart">The fraction of the steps spent increasing the rate, in [0, 1] (default 0.3).</param>
    /// <param name="annealStrategy">The annealing curve (default cos).</param>
    /// <param name="cycleMomentum">Whether momentum (or β₁) is cycled inversely to the rate (default true).</param>
    /// <param name="baseMomentum">The lower momentum boundary, a finite number ≥ 0 (default 0.85).</param>
    /// <param name="maxMomentum">The upper momentum boundary, a finite number ≥ 0 (default 0.95).</param>
    /// <param name="divFactor">initial_lr = max_lr / div_factor; a finite number &gt; 0 (default 25).</param>
    /// <param name="finalDivFactor">min_lr = initial_lr / final_div_factor; a finite number &gt; 0 (default 10⁴).</param>
    /// <param name="threePhase">Use the paper's three phases instead of fastai's two (default false).</param>
    public OneCycleLR(Optimizer optimizer, PerGroup maxLr, long? totalSteps = null, long? epochs = null, long? stepsPerEpoch = null,
        double pctStart = 0.3, AnnealStrategy annealStrategy = AnnealStrategy.Cos, bool cycleMomentum = true,
        PerGroup? baseMomentum = null, PerGroup? maxMomentum = null, double divFactor = 25.0, double finalDivFactor = 1e4,
        bool threePhase = false) : base(optimizer)
    {
        int groups = GroupCount;
        if (totalSteps is { } total)
        {
            if (epochs is not null || stepsPerEpoch is not null)
                throw new ArgumentException("give total_steps, or epochs and steps_per_epoch, not both", nameof(totalSteps));
            TotalSteps = Check.AtLeast(total, 1, nameof(totalSteps), "total_steps");
        }
        else if (epochs is null && stepsPerEpoch is null)
            throw new ArgumentException("either total_steps or epochs and steps_per_epoch are required", nameof(totalSteps));
        else
        {
            long e = Check.AtLeast(epochs ?? throw new ArgumentException("epochs is required with steps_per_epoch", nameof(epochs)),
                1, nameof(epochs), "epochs");
            long s = Check.AtLeast(stepsPerEpoch ?? throw new ArgumentException("steps_per_epoch is required with epochs", nameof(stepsPerEpoch)),
                1, nameof(stepsPerEpoch), "steps_per_epoch");
            TotalSteps = checked(e * s);
        }
        PctStart = pctStart >= 0 && pctStart <= 1 ? pctStart
            : throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart, "pct_start must be in [0, 1]");
        AnnealStrategy = Enum.IsDefined(annealStrategy) ? annealStrategy
            : throw new ArgumentOutOfRangeException(nameof(annealStrategy), annealStrategy, "unknown anneal strategy");
        var maxLrs = maxLr.Resolve(groups, nameof(maxLr), (v, n) => Check.NonNegative(v, n, "max_lr"));
        DivFactor = Check.Positive(divFactor, nameof(divFactor), "div_factor");
        FinalDivFactor = Check.Positive(finalDivFactor, nameof(finalDivFactor), "final_div_factor");
        double[] maxMomentums = [], baseMomentums = [];
        if (cycleMomentum)
        {
            _momentum = MomentumDriver.For(optimizer, allowBetas: true, nameof(OneCycleLR), nameof(cycleMomentum));
            maxMomentums = (maxMomentum ?? 0.95).Resolve(groups, nameof(maxMomentum), (v, n) => Check.NonNegative(v, n, "max_momentum"));
            baseMomentums = (baseMomentum ?? 0.85).Resolve(groups, nameof(baseMomentum), (v, n) => Check.NonNegative(v, n, "base_momentum"));
        }
        ThreePhase = threePhase;

        double t = TotalSteps;
        _phases = threePhase
            ?
            [
                new(PctStart * t - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new(2 * PctStart * t - 2, "max_lr", "initial_lr", "base_momentum", "max_momentum"),
                new(t - 1, "initial_lr", "min_lr", "max_momentum", "max_momentum"),
            ]
            :
            [
                new(PctStart * t - 1, "initial_lr", "max_lr", "max_momentum", "base_momentum"),
                new(t - 1, "max_lr", "min_lr", "base_momentum", "max_momentum"),
            ];
        var (start, end, _) = Locate(0);
        if (end == start)
            throw new ArgumentOutOfRangeException(nameof(pctStart), pctStart,
                $"pct_start {pctStart} with total_steps {TotalSteps} makes the first phase zero steps long (torch divides by zero)");

        for (int i = 0; i < groups; i++)
        {
            var entries = Optimizer.ParamGroups[i].SchedulerEntries;
            double initial = maxLrs[i] / DivFactor;
            entries["initial_lr"] = initial;
            entries["max_lr"] = maxLrs[i];
            entries["min_lr"] = initial / FinalDivFactor;
            if (_momentum is not null)
            {
                _momentum.Set(i, maxMomentums[i]);
                entries["max_momentum"] = maxMomentums[i];
                entries["base_momentum"] = baseMomentums[i];
            }
        }
        Start();
    }

    /// <summary>The number of steps in the cycle.</summary>
    public long TotalSteps { get; }

    /// <summary>The fraction of the steps spent increasing the rate.</summary>
    public double PctStart { get; }

    /// <summary>The annealing curve.</summary>
    public AnnealStrategy AnnealStrategy { get; }

    /// <summary>initial_lr = max_lr / div_factor.</summary>
    public double DivFactor { get; }

    /// <summary>min_lr = initial_lr / final_div_factor.</summary>
    public double FinalDivFactor { get; }

    /// <summary>Whether the paper's three phases are used.</summary>
    public bool ThreePhase { get; }

    /// <summary>Whether momentum (or β₁) is cycled.</summary>
    public bool CyclesMomentum => _momentum is not null;

    /// <summary>Whether β₁ is cycled rather than momentum.</summary>
    public bool CyclesBeta1 => _momentum?.UsesBeta1 == true;

    private (double Start, double End, Phase Phase) Locate(long step)
    {
        double start = 0;
        for (int i = 0; i < _phases.Length; i++)
        {
            var phase = _phases[i];
            if (step <= phase.EndStep || i == _phases.Length - 1) return (start, phase.EndStep, phase);
            start = phase.EndStep;
        }
        throw new InvalidOperationException("unreachable");
    }

    private double Anneal(double start, double end, double pct) => AnnealStrategy == AnnealStrategy.Cos
        ? end + (start - end) / 2.0 * (Math.Cos(Math.PI * pct) + 1)
        : (end - start) * pct + start;

    /// <inheritdoc/>
    public override long? MaxSteps => TotalSteps;

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        long step = LastEpoch;
        if (step > TotalSteps)
        {
            LastEpoch--;
            throw new InvalidOperationException($"Tried to step {step + 1} times. The specified number of total steps is {TotalSteps}");
        }
        var (start, end, phase) = Locate(step);
        if (end == start)
        {
            LastEpoch--;
            throw new InvalidOperationException(
                $"step {step} falls in a phase of zero length (pct_start {PctStart}, total_steps {TotalSteps}); torch divides by zero here");
        }
        double pct = (step - start) / (end - start);
        var lrs = new double[GroupCount];
        for (int i = 0; i < lrs.Length; i++)
        {
            // Past the last phase (step total_steps, which torch allows) linear annealing overshoots min_lr and can
            // go below zero; torch stores the negative rate, Descent's options only take rates >= 0.
            lrs[i] = Math.Max(0, Anneal(GroupEntry(i, phase.StartLr), GroupEntry(i, phase.EndLr), pct));
            if (_momentum is not null)
                _momentum.Set(i, Anneal(GroupEntry(i, phase.StartMomentum), GroupEntry(i, phase.EndMomentum), pct));
        }
        return lrs;
    }

    /// <inheritdoc/>
    protected override void SaveState(IDictionary<string, double> state, string prefix)
    {
        base.SaveState(state, prefix);
        _momentum?.Save(state, prefix);
    }

    /// <inheritdoc/>
    protected override void LoadState(StateReader state, string prefix)
    {
        var momentum = _momentum?.Read(state, prefix);
        long epoch = state.Integer(prefix + "last_epoch", -1);
        if (epoch > TotalSteps)
            throw new ArgumentException($"state entry '{prefix}last_epoch' is {epoch}, beyond total_steps {TotalSteps}", nameof(state));
        base.LoadState(state, prefix);
        if (momentum is not null) _momentum!.SetAll(momentum);
    }
}
