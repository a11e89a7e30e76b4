using Descent.Optim;

namespace Descent.Schedules;

/// <summary>The amplitude policies of <see cref="CyclicLR"/>.</summary>
public enum CyclicMode
{
    /// <summary>"triangular": the same triangle every cycle.</summary>
    Triangular,

    /// <summary>"triangular2": the amplitude halves every cycle, scale = 1 / 2^(cycle − 1).</summary>
    Triangular2,

    /// <summary>"exp_range": the amplitude decays as γ^iteration.</summary>
    ExpRange,
}

/// <summary>What a custom scale function of <see cref="CyclicLR"/> is evaluated on.</summary>
public enum ScaleMode
{
    /// <summary>"cycle": the 1-based cycle number.</summary>
    Cycle,

    /// <summary>"iterations": the number of steps since the start.</summary>
    Iterations,
}

/// <summary>
/// The cyclical learning-rate policy (Smith, 2017), as torch.optim.lr_scheduler.CyclicLR: the rate goes from
/// <c>base_lr</c> up to <c>max_lr</c> over <c>step_size_up</c> steps and back over <c>step_size_down</c>, the
/// amplitude scaled per <see cref="CyclicMode"/>; momentum is cycled inversely between <c>max_momentum</c> and
/// <c>base_momentum</c>. Meant to be stepped after every batch.
/// </summary>
/// <remarks>
/// <code>
/// cycle = ⌊1 + t / (up + down)⌋,  x = 1 + t / (up + down) − cycle,  r = up / (up + down)
/// s = x / r if x ≤ r, else (x − 1) / (r − 1)
/// lr = base_lr + (max_lr − base_lr) · s · f,   momentum = max_momentum − (max_momentum − base_momentum) · s · f
/// </code>
/// <para>with f = 1 (triangular), 1/2^(cycle−1) (triangular2), γ^t (exp_range) or a custom scale function of the
/// cycle or of t. Defaults: step_size_up = 2000, step_size_down = step_size_up, mode = triangular, γ = 1,
/// cycle_momentum = true, base_momentum = 0.8, max_momentum = 0.9. Building sets each group's rate to base_lr and
/// (when cycling) its momentum to base_momentum before the initial step, as torch does. Cycling momentum needs
/// options with a momentum (<see cref="IMomentumOptions"/>); torch 1.13 does not cycle Adam's β₁ here.</para>
/// </remarks>
public sealed class CyclicLR : LRScheduler
{
    private readonly double[] _maxLrs;
    private readonly double[] _baseMomentums = [];
    private readonly double[] _maxMomentums = [];
    private readonly double _totalSize, _stepRatio;
    private readonly Func<double, double> _scale;
    private readonly bool _scaleByCycle;
    private readonly MomentumDriver? _momentum;

    /// <summary>Builds the scheduler, sets the groups' rates (and momentum) and performs the initial step.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="baseLr">The lower boundary of each group's rate, a finite number ≥ 0 (or one per group).</param>
    /// <param name="maxLr">The upper boundary of each group's rate, a finite number ≥ 0 (or one per group).</param>
    /// <param name="stepSizeUp">Steps in the increasing half of a cycle, an integer ≥ 1 (default 2000).</param>
    /// <param name="stepSizeDown">Steps in the decreasing half, an integer ≥ 1 (default: <paramref name="stepSizeUp"/>).</param>
    /// <param name="mode">The amplitude policy (ignored when <paramref name="scaleFn"/> is given).</param>
    /// <param name="gamma">The factor of <see cref="CyclicMode.ExpRange"/>, a finite number &gt; 0 (default 1).</param>
    /// <param name="scaleFn">A custom amplitude scale, with 0 ≤ f(x) ≤ 1, replacing <paramref name="mode"/>.</param>
    /// <param name="scaleMode">What <paramref name="scaleFn"/> is evaluated on (default cycle); only with a scale function.</param>
    /// <param name="cycleMomentum">Whether momentum is cycled inversely to the rate (default true).</param>
    /// <param name="baseMomentum">The lower momentum boundary, a finite number ≥ 0 (default 0.8).</param>
    /// <param name="maxMomentum">The upper momentum boundary, a finite number ≥ 0 (default 0.9).</param>
    public CyclicLR(Optimizer optimizer, PerGroup baseLr, PerGroup maxLr, long stepSizeUp = 2000, long? stepSizeDown = null,
        CyclicMode mode = CyclicMode.Triangular, double gamma = 1.0, Func<double, double>? scaleFn = null,
        ScaleMode? scaleMode = null, bool cycleMomentum = true, PerGroup? baseMomentum = null, PerGroup? maxMomentum = null)
        : base(optimizer)
    {
        int groups = GroupCount;
        var baseLrs = baseLr.Resolve(groups, nameof(baseLr), (v, n) => Check.NonNegative(v, n, "base_lr"));
        _maxLrs = maxLr.Resolve(groups, nameof(maxLr), (v, n) => Check.NonNegative(v, n, "max_lr"));
        double up = Check.AtLeast(stepSizeUp, 1, nameof(stepSizeUp), "step_size_up");
        double down = stepSizeDown is { } d ? Check.AtLeast(d, 1, nameof(stepSizeDown), "step_size_down") : up;
        if (!Enum.IsDefined(mode)) throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown cyclic mode");
        Gamma = Check.Positive(gamma, nameof(gamma), "gamma");
        if (scaleMode is { } sm && !Enum.IsDefined(sm)) throw new ArgumentOutOfRangeException(nameof(scaleMode), sm, "unknown scale mode");
        if (scaleMode is not null && scaleFn is null)
            throw new ArgumentException("scale_mode applies only with a custom scale_fn (the mode sets it otherwise)", nameof(scaleMode));
        if (cycleMomentum)
        {
            _momentum = MomentumDriver.For(optimizer, allowBetas: false, nameof(CyclicLR), nameof(cycleMomentum));
            _baseMomentums = (baseMomentum ?? 0.8).Resolve(groups, nameof(baseMomentum), (v, n) => Check.NonNegative(v, n, "base_momentum"));
            _maxMomentums = (maxMomentum ?? 0.9).Resolve(groups, nameof(maxMomentum), (v, n) => Check.NonNegative(v, n, "max_momentum"));
        }

        _totalSize = up + down;
        _stepRatio = up / _totalSize;
        Mode = mode;
        StepSizeUp = stepSizeUp;
        StepSizeDown = (long)down;
        if (scaleFn is not null)
        {
            _scale = scaleFn;
            _scaleByCycle = (scaleMode ?? ScaleMode.Cycle) == ScaleMode.Cycle;
        }
        else
        {
            _scale = mode switch
            {
                CyclicMode.Triangular => _ => 1.0,
                CyclicMode.Triangular2 => x => 1 / Math.Pow(2.0, x - 1),
                _ => x => Math.Pow(Gamma, x),
            };
            _scaleByCycle = mode != CyclicMode.ExpRange;
        }

        for (int i = 0; i < groups; i++) GroupOptions(i).Lr = baseLrs[i];
        if (_momentum is not null) _momentum.SetAll(_baseMomentums);
        Start();
        SetBaseLrs(baseLrs);
    }

    /// <summary>The amplitude policy.</summary>
    public CyclicMode Mode { get; }

    /// <summary>The factor of <see cref="CyclicMode.ExpRange"/>.</summary>
    public double Gamma { get; }

    /// <summary>Steps in the increasing half of a cycle.</summary>
    public long StepSizeUp { get; }

    /// <summary>Steps in the decreasing half of a cycle.</summary>
    public long StepSizeDown { get; }

    /// <summary>Whether momentum is cycled.</summary>
    public bool CyclesMomentum => _momentum is not null;

    /// <summary>The upper boundary of each group's rate.</summary>
    public IReadOnlyList<double> MaxLrs => _maxLrs;

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        double cycle = Math.Floor(1 + LastEpoch / _totalSize);
        double x = 1.0 + LastEpoch / _totalSize - cycle;
        double scale = x <= _stepRatio ? x / _stepRatio : (x - 1) / (_stepRatio - 1);
        double f = _scale(_scaleByCycle ? cycle : LastEpoch);

        var lrs = new double[GroupCount];
        for (int i = 0; i < lrs.Length; i++)
        {
            double height = (_maxLrs[i] - BaseLrs[i]) * scale;
            lrs[i] = BaseLrs[i] + height * f;
        }
        if (_momentum is not null)
            for (int i = 0; i < lrs.Length; i++)
            {
                double height = (_maxMomentums[i] - _baseMomentums[i]) * scale;
                _momentum.Set(i, _maxMomentums[i] - height * f);
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
        base.LoadState(state, prefix);
        if (momentum is not null) _momentum!.SetAll(momentum);
    }
}
