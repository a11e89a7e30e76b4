using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Decays each group's learning rate polynomially to 0 over <c>total_iters</c> epochs, as
/// torch.optim.lr_scheduler.PolynomialLR: <c>lr = base_lr · (1 − min(epoch, T) / T)^power</c>, computed in the
/// chainable form <c>lr ← lr · ((1 − epoch/T) / (1 − (epoch − 1)/T))^power</c> for 1 ≤ epoch ≤ T.
/// </summary>
/// <remarks>Defaults: total_iters = 5, power = 1.</remarks>
public sealed class PolynomialLR : LRScheduler
{
    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="totalIters">The number of epochs of the decay, an integer ≥ 1.</param>
    /// <param name="power">The power of the polynomial, a finite number ≥ 0.</param>
    public PolynomialLR(Optimizer optimizer, long totalIters = 5, double power = 1.0) : base(optimizer)
    {
        TotalIters = Check.AtLeast(totalIters, 1, nameof(totalIters), "total_iters");
        Power = Check.NonNegative(power, nameof(power), "the power");
        Start();
    }

    /// <summary>The length of the decay, in epochs.</summary>
    public long TotalIters { get; }

    /// <summary>The power of the polynomial.</summary>
    public double Power { get; }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch > TotalIters) return lrs;
        double decay = Math.Pow((1.0 - (double)LastEpoch / TotalIters) / (1.0 - (double)(LastEpoch - 1) / TotalIters), Power);
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= decay;
        return lrs;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() => BaseLrs
        .Select(b => b * Math.Pow(1.0 - (double)Math.Min(TotalIters, LastEpoch) / TotalIters, Power))
        .ToArray();
}
