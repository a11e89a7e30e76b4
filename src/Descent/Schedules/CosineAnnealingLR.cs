using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Anneals each group's learning rate along a cosine from its initial rate η_max to <c>eta_min</c> over
/// <c>T_max</c> epochs, as torch.optim.lr_scheduler.CosineAnnealingLR (the annealing of SGDR, without restarts).
/// </summary>
/// <remarks>
/// <para>Closed form: <c>η_t = η_min + (η_max − η_min)(1 + cos(π t / T_max)) / 2</c>, which continues as a cosine
/// past T_max (rising again). Like PyTorch 1.13 the rate is computed recursively from the current rate:</para>
/// <code>
/// η_t = η_{t−1} + (η_max − η_min)(1 − cos(π / T_max)) / 2                          when (t − 1 − T_max) mod 2T_max = 0
/// η_t = (1 + cos(π t / T_max)) / (1 + cos(π (t − 1) / T_max)) · (η_{t−1} − η_min) + η_min   otherwise
/// </code>
/// <para>so other changes to the rate carry through, and the values (rounding) are torch's. Defaults: eta_min = 0;
/// T_max is required.</para>
/// </remarks>
public sealed class CosineAnnealingLR : LRScheduler
{
    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="tMax">The half period in epochs, an integer ≥ 1.</param>
    /// <param name="etaMin">The minimum learning rate, a finite number ≥ 0 (default 0).</param>
    public CosineAnnealingLR(Optimizer optimizer, long tMax, double etaMin = 0) : base(optimizer)
    {
        TMax = Check.AtLeast(tMax, 1, nameof(tMax), "T_max");
        EtaMin = Check.NonNegative(etaMin, nameof(etaMin), "eta_min");
        Start();
    }

    /// <summary>The half period, in epochs.</summary>
    public long TMax { get; }

    /// <summary>The minimum learning rate.</summary>
    public double EtaMin { get; }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        long t = LastEpoch;
        if (t == 0) return lrs;
        if ((t - 1 - TMax) % (2 * TMax) == 0)
        {
            for (int i = 0; i < lrs.Length; i++)
                lrs[i] = lrs[i] + (BaseLrs[i] - EtaMin) * (1 - Math.Cos(Math.PI / TMax)) / 2;
            return lrs;
        }
        double ratio = (1 + Math.Cos(Math.PI * t / TMax)) / (1 + Math.Cos(Math.PI * (t - 1) / TMax));
        for (int i = 0; i < lrs.Length; i++) lrs[i] = ratio * (lrs[i] - EtaMin) + EtaMin;
        return lrs;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() => BaseLrs
        .Select(b => EtaMin + (b - EtaMin) * (1 + Math.Cos(Math.PI * LastEpoch / TMax)) / 2)
        .ToArray();
}
