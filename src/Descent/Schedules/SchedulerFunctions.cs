namespace Descent.Schedules;

/// <summary>
/// The arguments of torch schedulers that are code or objects rather than numbers, for
/// <see cref="SchedulerCatalog.Create"/>: LambdaLR's and MultiplicativeLR's functions, CyclicLR's scale function,
/// and the children of SequentialLR and ChainedScheduler.
/// </summary>
public sealed class SchedulerFunctions
{
    /// <summary>lr_lambda: one function for every group, or one per group (LambdaLR, MultiplicativeLR).</summary>
    public IReadOnlyList<Func<long, double>>? LrLambdas { get; init; }

    /// <summary>scale_fn of CyclicLR.</summary>
    public Func<double, double>? ScaleFn { get; init; }

    /// <summary>The children of SequentialLR or ChainedScheduler, built on the same optimizer.</summary>
    public IReadOnlyList<LRScheduler>? Schedulers { get; init; }
}
