using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Decays each group's learning rate by <c>gamma</c> at each milestone epoch, as
/// torch.optim.lr_scheduler.MultiStepLR: <c>lr = base_lr · γ^(number of milestones ≤ epoch)</c>, computed in the
/// chainable form (<c>lr ← lr · γ</c> when epoch is a milestone).
/// </summary>
/// <remarks>Defaults: γ = 0.1; milestones are required. A milestone 0 decays at construction, as in torch.</remarks>
public sealed class MultiStepLR : LRScheduler
{
    private readonly long[] _milestones;

    /// <summary>Builds the scheduler and sets the rates of epoch 0.</summary>
    /// <param name="optimizer">The optimizer whose groups are driven.</param>
    /// <param name="milestones">Epochs at which to decay: strictly increasing integers ≥ 0.</param>
    /// <param name="gamma">The decay factor, a finite number ≥ 0 (default 0.1).</param>
    public MultiStepLR(Optimizer optimizer, IReadOnlyList<long> milestones, double gamma = 0.1) : base(optimizer)
    {
        _milestones = Check.Increasing(milestones, 0, nameof(milestones), "milestones");
        Gamma = Check.NonNegative(gamma, nameof(gamma), "gamma");
        Start();
    }

    /// <summary>The epochs at which the rate decays.</summary>
    public IReadOnlyList<long> Milestones => _milestones;

    /// <summary>The decay factor.</summary>
    public double Gamma { get; }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        if (Array.BinarySearch(_milestones, LastEpoch) < 0) return lrs;
        for (int i = 0; i < lrs.Length; i++) lrs[i] *= Gamma;
        return lrs;
    }

    /// <inheritdoc/>
    protected override double[]? ClosedFormLr()
    {
        int passed = _milestones.Count(m => m <= LastEpoch);
        return BaseLrs.Select(b => b * Math.Pow(Gamma, passed)).ToArray();
    }
}
