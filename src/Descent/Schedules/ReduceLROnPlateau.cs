using Descent.Optim;

namespace Descent.Schedules;

/// <summary>Whether <see cref="ReduceLROnPlateau"/>'s metric should fall or rise.</summary>
public enum PlateauMode
{
    /// <summary>"min": the metric should fall (a loss).</summary>
    Min,

    /// <summary>"max": the metric should rise (an accuracy).</summary>
    Max,
}

/// <summary>How <see cref="ReduceLROnPlateau"/> measures a significant improvement.</summary>
public enum ThresholdMode
{
    /// <summary>"rel": better than best · (1 − threshold) in min mode, best · (1 + threshold) in max mode.</summary>
    Rel,

    /// <summary>"abs": better than best − threshold in min mode, best + threshold in max mode.</summary>
    Abs,
}

/// <summary>
/// Reduces the learning rate when a metric stops improving, as torch.optim.lr_scheduler.ReduceLROnPlateau: after
/// more than <c>patience</c> steps without a significant improvement, every group's rate becomes
/// <c>max(lr · factor, min_lr)</c> (unless that changes it by no more than <c>eps</c>), then <c>cooldown</c> steps
/// pass in which bad steps are not counted.
/// </summary>
/// <remarks>
/// Call <see cref="Step(double)"/> with the metric once per epoch (typically the validation loss). A NaN metric is
/// never an improvement, as in torch. Defaults: mode = min, factor = 0.1, patience = 10, threshold = 10⁻⁴,
/// threshold_mode = rel, cooldown = 0, min_lr = 0, eps = 10⁻⁸.
/// </remarks>
public sealed class ReduceLROnPlateau : Scheduler
{
    private readonly double[] _minLrs;
    private double _best;
    private long _badEpochs, _cooldownCounter;

    /// <summary>Builds the scheduler; the groups' rates are not changed until a plateau.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="mode">Whether the metric should fall or rise (default min).</param>
    /// <param name="factor">The factor of a reduction, in [0, 1) (default 0.1).</param>
    /// <param name="patience">Steps without improvement tolerated before reducing, an integer ≥ 0 (default 10).</param>
    /// <param name="threshold">The size of a significant improvement, a finite number ≥ 0, and &lt; 1 in rel mode (default 10⁻⁴).</param>
    /// <param name="thresholdMode">Whether the threshold is relative or absolute (default rel).</param>
    /// <param name="cooldown">Steps after a reduction in which bad steps are not counted, an integer ≥ 0 (default 0).</param>
    /// <param name="minLr">The lower bound of each group's rate, a finite number ≥ 0 (or one per group; default 0).</param>
    /// <param name="eps">Reductions no larger than this are skipped, a finite number ≥ 0 (default 10⁻⁸).</param>
    public ReduceLROnPlateau(Optimizer optimizer, PlateauMode mode = PlateauMode.Min, double factor = 0.1, long patience = 10,
        double threshold = 1e-4, ThresholdMode thresholdMode = ThresholdMode.Rel, long cooldown = 0, PerGroup? minLr = null,
        double eps = 1e-8) : base(optimizer)
    {
        Mode = Enum.IsDefined(mode) ? mode : throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown plateau mode");
        Factor = factor >= 0 && factor < 1 ? factor : throw new ArgumentOutOfRangeException(nameof(factor), factor, "factor must be in [0, 1)");
        Patience = Check.AtLeast(patience, 0, nameof(patience), "patience");
        ThresholdMode = Enum.IsDefined(thresholdMode) ? thresholdMode
            : throw new ArgumentOutOfRangeException(nameof(thresholdMode), thresholdMode, "unknown threshold mode");
        Threshold = Check.NonNegative(threshold, nameof(threshold), "threshold");
        if (thresholdMode == ThresholdMode.Rel && threshold >= 1)
            throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "a relative threshold must be < 1");
        Cooldown = Check.AtLeast(cooldown, 0, nameof(cooldown), "cooldown");
        _minLrs = (minLr ?? 0.0).Resolve(GroupCount, nameof(minLr), (v, n) => Check.NonNegative(v, n, "min_lr"));
        Eps = Check.NonNegative(eps, nameof(eps), "eps");
        _best = WorstValue;
        LastEpoch = 0;
    }

    /// <summary>Whether the metric should fall or rise.</summary>
    public PlateauMode Mode { get; }

    /// <summary>The factor of a reduction.</summary>
    public double Factor { get; }

    /// <summary>Steps without improvement tolerated before reducing.</summary>
    public long Patience { get; }

    /// <summary>The size of a significant improvement.</summary>
    public double Threshold { get; }

    /// <summary>Whether <see cref="Threshold"/> is relative or absolute.</summary>
    public ThresholdMode ThresholdMode { get; }

    /// <summary>Steps after a reduction in which bad steps are not counted.</summary>
    public long Cooldown { get; }

    /// <summary>The lower bound of each group's rate.</summary>
    public IReadOnlyList<double> MinLrs => _minLrs;

    /// <summary>Reductions no larger than this are skipped.</summary>
    public double Eps { get; }

    /// <summary>The best metric so far (+∞ in min mode, −∞ in max mode before any).</summary>
    public double Best => _best;

    /// <summary>Consecutive steps without a significant improvement.</summary>
    public long NumBadEpochs => _badEpochs;

    /// <summary>Steps of cooldown left.</summary>
    public long CooldownCounter => _cooldownCounter;

    /// <summary>Whether the scheduler is cooling down after a reduction.</summary>
    public bool InCooldown => _cooldownCounter > 0;

    private double WorstValue => Mode == PlateauMode.Min ? double.PositiveInfinity : double.NegativeInfinity;

    /// <summary>Whether <paramref name="value"/> is a significant improvement on <paramref name="best"/>.</summary>
    public bool IsBetter(double value, double best) => (Mode, ThresholdMode) switch
    {
        (PlateauMode.Min, ThresholdMode.Rel) => value < best * (1.0 - Threshold),
        (PlateauMode.Min, ThresholdMode.Abs) => value < best - Threshold,
        (PlateauMode.Max, ThresholdMode.Rel) => value > best * (Threshold + 1.0),
        _ => value > best + Threshold,
    };

    /// <summary>Records one epoch's <paramref name="metric"/> and reduces the rates after a plateau.</summary>
    public void Step(double metric)
    {
        LastEpoch++;
        if (IsBetter(metric, _best))
        {
            _best = metric;
            _badEpochs = 0;
        }
        else _badEpochs++;

        if (InCooldown)
        {
            _cooldownCounter--;
            _badEpochs = 0;
        }

        if (_badEpochs > Patience)
        {
            ReduceLr();
            _cooldownCounter = Cooldown;
            _badEpochs = 0;
        }
        RecordLastLr();
    }

    private void ReduceLr()
    {
        for (int i = 0; i < GroupCount; i++)
        {
            double old = GroupOptions(i).Lr;
            double updated = Math.Max(old * Factor, _minLrs[i]);
            if (old - updated > Eps) GroupOptions(i).Lr = updated;
        }
    }

    /// <inheritdoc/>
    protected override void SaveState(IDictionary<string, double> state, string prefix)
    {
        base.SaveState(state, prefix);
        state[prefix + "best"] = _best;
        state[prefix + "num_bad_epochs"] = _badEpochs;
        state[prefix + "cooldown_counter"] = _cooldownCounter;
    }

    /// <inheritdoc/>
    protected override void LoadState(StateReader state, string prefix)
    {
        double best = state.Number(prefix + "best");
        long bad = state.Integer(prefix + "num_bad_epochs");
        long cooldown = state.Integer(prefix + "cooldown_counter");
        base.LoadState(state, prefix);
        _best = best;
        _badEpochs = bad;
        _cooldownCounter = cooldown;
    }
}
