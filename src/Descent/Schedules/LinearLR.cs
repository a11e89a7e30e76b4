using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Changes each group's learning rate linearly from <c>start_factor · base_lr</c> to <c>end_factor · base_lr</c>
/// over <c>total_iters</c> epochs, then keeps it, as torch.optim.lr_scheduler.LinearLR:
/// <c>lr = base_lr · (s + (e − s) · min(epoch, T) / T)</c>. Computed in PyTorch's chainable form,
/// <c>lr ← lr · (1 + (e − s) / (T·s + (epoch − 1)·(e − s)))</c>, whose rounding differs from the closed form.
/// </summary>
/// <remarks>Defaults: start_factor = 1/3, end_factor = 1, total_iters = 5. The usual linear warmup.</remarks>
public sealed class LinearLR : LRScheduler
{
    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="startFactor">The factor at epoch 0, in (0, 1] (torch accepts 0, then divides by zero).</param>
    /// <param name="endFactor">The factor from epoch total_iters on, in [0, 1].</param>
    /// <param name="totalIters">The number of epochs of the change, an integer ≥ 1.</param>
    public LinearLR(Optimizer optimizer, double startFactor = 1.0 / 3, double endFactor = 1.0, long totalIters = 5) : base(optimizer)
    {
        StartFactor = startFactor > 0 && startFactor <= 1 ? startFactor
            : throw new ArgumentOutOfRangeException(nameof(startFactor), startFactor, "the starting factor must be in (0, 1]");
        EndFactor = endFactor >= 0 && endFactor <= 1 ? endFactor
            : throw new ArgumentOutOfRangeException(nameof(endFactor), endFactor, "the ending factor must be in [0, 1]");
        TotalIters = Check.AtLeast(totalIters, 1, nameof(totalIters), "total_iters");
        Start();
    }

    /// <summary>The factor at epoch 0.</summary>
    public double StartFactor { get; }

    /// <summary>The factor from <see cref="TotalIters"/> on.</summary>
    public double EndFactor { get; }

    /// <summary>The length of the change, in epochs.</summary>
    public long TotalIters { get; }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0)
        {
            for (int i = 0; i < lrs.Length; i++) lrs[i] *= StartFactor;
            return lrs;
        }
        if (LastEpoch > TotalIters) return lrs;
        double factor = 1.0 + (EndFactor - StartFactor) /
            (TotalIters * StartFactor + (LastEpoch - 1) * (EndFactor - StartFactor));
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= factor;
        return lrs;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() => BaseLrs
        .Select(b => b * (StartFactor + (EndFactor - StartFactor) * Math.Min(TotalIters, LastEpoch) / TotalIters))
        .ToArray();
}
