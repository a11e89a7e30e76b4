using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Decays each group's learning rate by <c>gamma</c> every epoch, as torch.optim.lr_scheduler.ExponentialLR:
/// <c>lr = base_lr · γ^epoch</c>, computed in the chainable form <c>lr ← lr · γ</c>.
/// </summary>
/// <remarks>gamma is required.</remarks>
public sealed class ExponentialLR : LRScheduler
{
    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="gamma">The factor per epoch, a finite number ≥ 0.</param>
    public ExponentialLR(Optimizer optimizer, double gamma) : base(optimizer)
    {
        Gamma = Check.NonNegative(gamma, nameof(gamma), "gamma");
        Start();
    }

    /// <summary>The factor per epoch.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= Gamma;
        return lrs;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() => BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch)).ToArray();
}
