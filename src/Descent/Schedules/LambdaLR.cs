using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Sets each group's learning rate to its initial rate times a function of the epoch, as
/// torch.optim.lr_scheduler.LambdaLR: <c>lr = base_lr · λ(epoch)</c> (closed form; not chainable).
/// </summary>
/// <remarks>The function gets the epoch (0, 1, 2, ...) and returns the factor; one function for all groups, or one per group.</remarks>
public sealed class LambdaLR : LRScheduler
{
    private readonly Func<long, double>[] _lambdas;

    /// <summary>Uses <paramref name="lrLambda"/> for every group.</summary>
    public LambdaLR(Optimizer optimizer, Func<long, double> lrLambda)
        : this(optimizer, Enumerable.Repeat(lrLambda ?? throw new ArgumentNullException(nameof(lrLambda)), optimizer?.ParamGroups.Count ?? 0).ToArray()) { }

    /// <summary>Uses one function per group, in group order.</summary>
    public LambdaLR(Optimizer optimizer, IReadOnlyList<Func<long, double>> lrLambdas) : base(optimizer)
    {
        _lambdas = OnePerGroup(lrLambdas, optimizer, nameof(lrLambdas), "lr lambdas").ToArray();
        Start();
    }

    /// <inheritdoc/>
    protected override double[] ComputeLr()
    {
        var lrs = new double[GroupCount];
        for (int i = 0; i < lrs.Length; i++) lrs[i] = BaseLrs[i] * _lambdas[i](LastEpoch);
        return lrs;
    }
}
