using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Multiplies each group's learning rate by a constant <c>factor</c> until epoch <c>total_iters</c>, as
/// torch.optim.lr_scheduler.ConstantLR: <c>lr = base_lr · factor</c> for epoch &lt; total_iters, then
/// <c>base_lr</c>; computed in the chainable form (<c>lr ← lr · factor</c> at epoch 0,
/// <c>lr ← lr · (1 / factor)</c> at total_iters).
/// </summary>
/// <remarks>Defaults: factor = 1/3, total_iters = 5.</remarks>
public sealed class ConstantLR : LRScheduler
{
    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="factor">The factor, in (0, 1] (torch accepts 0, then divides by zero at total_iters).</param>
    /// <param name="totalIters">The number of epochs the factor applies, an integer ≥ 1.</param>
    public ConstantLR(Optimizer optimizer, double factor = 1.0 / 3, long totalIters = 5) : base(optimizer)
    {
        Factor = factor > 0 && factor <= 1 ? factor
            : throw new ArgumentOutOfRangeException(nameof(factor), factor, "the constant factor must be in (0, 1]");
        TotalIters = Check.AtLeast(totalIters, 1, nameof(totalIters), "total_iters");
        Start();
    }

    /// <summary>The factor applied before <see cref="TotalIters"/>.</summary>
    public double Factor { get; }

    /// <summary>The epoch at which the factor is removed.</summary>
    public long TotalIters { get; }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0)
            for (int i = 0; i < lrs.Length; i++) lrs[i] *= Factor;
        else if (LastEpoch == TotalIters)
            for (int i = 0; i < lrs.Length; i++) lrs[i] *= 1.0 / Factor;
        return lrs;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() =>
        BaseLrs.Select(b => b * (Factor + (LastEpoch >= TotalIters ? 1.0 : 0.0) * (1 - Factor))).ToArray();
}
