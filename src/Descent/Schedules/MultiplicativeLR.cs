using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Multiplies each group's learning rate by a function of the epoch at every step after the first, as
/// torch.optim.lr_scheduler.MultiplicativeLR: <c>lr ← lr · λ(epoch)</c> for epoch ≥ 1 (chainable: the product of
/// the factors, computed step by step in PyTorch's order).
/// </summary>
public sealed class MultiplicativeLR : LRScheduler
{
    private readonly Func<long, double>[] _lambdas;

    /// <summary>Uses <paramref name="lrLambda"/> for every group.</summary>
    public MultiplicativeLR(Optimizer optimizer, Func<long, double> lrLambda)
        : this(optimizer, Enumerable.Repeat(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)), optimizer?.ParamGroups.Count ?? 0).ToArray()) { }

    /// <summary>Uses one function per group, in group order.</summary>
    public MultiplicativeLR(Optimizer optimizer, IReadOnlyList<Func<long, double>> lrLambdas) : base(optimizer)
    {
        _lambdas = OnePerGroup(lrLambdas, optimizer, nameof(lrLambdas), "lr lambdas").ToArray();
        Start();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = CurrentLrs();
        if (LastEpoch > 0)
            for (int i = 0; i < lrs.Length; i++) lrs[i] *= _lambdas[i](LastEpoch);
        return lrs;
    }
}
