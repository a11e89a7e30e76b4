using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Cosine annealing with warm restarts (SGDR), as torch.optim.lr_scheduler.CosineAnnealingWarmRestarts:
/// <c>η = η_min + (η_max − η_min)(1 + cos(π T_cur / T_i)) / 2</c>, where T_cur counts the epochs since the last
/// restart and the period T_i starts at <c>T_0</c> and is multiplied by <c>T_mult</c> at each restart.
/// </summary>
/// <remarks>
/// Defaults: T_mult = 1, eta_min = 0; T_0 is required. Besides <see cref="Step()"/>, <see cref="Step(double)"/> takes
/// a fractional epoch (torch's <c>scheduler.step(epoch + i / iters)</c> for updates within an epoch).
/// </remarks>
public sealed class CosineAnnealingWarmRestarts : LRScheduler
{
    private long _tI;
    private double _tCur;

    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="t0">The first period, in epochs: an integer ≥ 1.</param>
    /// <param name="tMult">The factor of the period at each restart: an integer ≥ 1 (default 1).</param>
    /// <param name="etaMin">The minimum learning rate, a finite number ≥ 0 (default 0).</param>
    public CosineAnnealingWarmRestarts(Optimizer optimizer, long t0, long tMult = 1, double etaMin = 0) : base(optimizer)
    {
        T0 = Check.AtLeast(t0, 1, nameof(t0), "T_0");
        TMult = Check.AtLeast(tMult, 1, nameof(tMult), "T_mult");
        EtaMin = Check.NonNegative(etaMin, nameof(etaMin), "eta_min");
        _tI = T0;
        _tCur = -1;
        Start();
    }

    /// <summary>The first period.</summary>
    public long T0 { get; }

    /// <summary>The factor of the period at each restart.</summary>
    public long TMult { get; }

    /// <summary>The minimum learning rate.</summary>
    public double EtaMin { get; }

    /// <summary>The current period T_i.</summary>
    public long TI => _tI;

    /// <summary>The epochs since the last restart, T_cur (fractional after <see cref="Step(double)"/>).</summary>
    public double TCur => _tCur;

    /// <summary>Advances one epoch; a restart happens when T_cur reaches T_i.</summary>
    public override void Step()
    {
        if (LastEpoch < 0)
        {
            StepTo(0);
            return;
        }
        _tCur += 1;
        if (_tCur >= _tI)
        {
            _tCur -= _tI;
            _tI *= TMult;
        }
        LastEpoch++;
        Apply(ComputeLr());
    }

    /// <summary>
    /// Jumps to <paramref name="epoch"/>, which may be fractional: T_i and T_cur are computed from it in closed form.
    /// </summary>
    /// <param name="epoch">A finite epoch ≥ 0.</param>
    public void Step(double epoch)
    {
        if (!(epoch >= 0) || !double.IsFinite(epoch))
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "the epoch must be a finite number >= 0");
        StepTo(epoch);
    }

    internal override void StepToEpoch(long epoch) => StepTo(epoch);

    private void StepTo(double epoch)
    {
        if (epoch >= T0)
        {
            if (TMult == 1) _tCur = Remainder(epoch, T0);
            else
            {
                int n = (int)(Math.Log(epoch / T0 * (TMult - 1) + 1) / Math.Log(TMult));
                long power = 1;
                for (int k = 0; k < n; k++) power = checked(power * TMult);
                _tCur = epoch - (double)(T0 * (power - 1)) / (TMult - 1);
                _tI = T0 * power;
            }
        }
        else
        {
            _tI = T0;
            _tCur = epoch;
        }
        LastEpoch = (long)Math.Floor(epoch);
        Apply(ComputeLr());
    }

    /// <summary>Python's float modulo for a positive divisor.</summary>
    private static double Remainder(double a, long b)
    {
        double r = a % b;
        return r < 0 ? r + b : r;
    }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = new double[GroupCount];
        for (int i = 0; i < lrs.Length; i++)
            lrs[i] = EtaMin + (BaseLrs[i] - EtaMin) * (1 + Math.Cos(Math.PI * _tCur / _tI)) / 2;
        return lrs;
    }

    /// <inheritdoc/>
    protected override void SaveState(IDictionary<string, double> state, string prefix)
    {
        base.SaveState(state, prefix);
        state[prefix + "T_i"] = _tI;
        state[prefix + "T_cur"] = _tCur;
    }

    /// <inheritdoc/>
    protected override void LoadState(StateReader state, string prefix)
    {
        long tI = state.Integer(prefix + "T_i", 1);
        double tCur = state.Finite(prefix + "T_cur");
        base.LoadState(state, prefix);
        _tI = tI;
        _tCur = tCur;
    }
}
