using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Decays each group's learning rate by <c>gamma</c> every <c>step_size</c> epochs, as
/// torch.optim.lr_scheduler.StepLR: <c>lr = base_lr · γ^⌊epoch / step_size⌋</c>, computed in the chainable form
/// (<c>lr ← lr · γ</c> when epoch is a positive multiple of step_size).
/// </summary>
/// <remarks>Defaults: γ = 0.1; step_size is required.</remarks>
public sealed class StepLR : LRScheduler
{
    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="stepSize">The period of the decay in epochs, an integer ≥ 1.</param>
    /// <param name="gamma">The decay factor, a finite number ≥ 0 (default 0.1).</param>
    public StepLR(Optimizer optimizer, long stepSize, double gamma = 0.1) : base(optimizer)
    {
        StepSize = Check.AtLeast(stepSize, 1, nameof(stepSize), "the step size");
        Gamma = Check.NonNegative(gamma, nameof(gamma), "gamma");
        Start();
    }

    /// <summary>The period of the decay, in epochs.</summary>
    public long StepSize { get; }

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch == 0 || LastEpoch % StepSize != 0) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= Gamma;
        return lrs;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr() =>
        BaseLrs.Select(b => b * Math.Pow(Gamma, LastEpoch / StepSize)).ToArray();
}
