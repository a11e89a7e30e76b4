namespace Descent.Lab.Training;

/// <summary>
/// Where a <see cref="Trainer"/> is, as plain data: everything besides the weights and the optimizer's state that a
/// resumed run needs to continue with exactly the numbers an uninterrupted run would produce.
/// </summary>
/// <remarks>
/// Taken by <see cref="Trainer.CaptureState"/> between steps — inside the per-batch callback or between epochs —
/// and given back to <see cref="Trainer.RestoreState"/> on a trainer built with the same problem, optimizer and
/// options. <see cref="TrainingCheckpoint"/> stores it in a checkpoint file.
/// </remarks>
public sealed record TrainingState
{
    /// <summary>The epoch (from 1) in progress when <see cref="Order"/> is set, otherwise the next one to start.</summary>
    public required int Epoch { get; init; }

    /// <summary>The index within the epoch of the next batch (0 when the epoch has not started).</summary>
    public int NextBatch { get; init; }

    /// <summary>The epoch's sample order while it is in progress; null between epochs.</summary>
    public int[]? Order { get; init; }

    /// <summary>The sum of (batch loss × batch size) over the epoch's batches so far, for its mean train loss.</summary>
    public double EpochLossSum { get; init; }

    /// <summary>The samples counted in <see cref="EpochLossSum"/>.</summary>
    public long EpochSamples { get; init; }

    /// <summary>The correct predictions counted in <see cref="EpochSamples"/>, for the epoch's train accuracy.</summary>
    public long EpochCorrect { get; init; }

    /// <summary>Batches processed since the start of the run (skipped ones included): the global step.</summary>
    public long Step { get; init; }

    /// <summary>Steps skipped because the loss or a gradient was not finite (under <c>NonFinitePolicy.SkipStep</c>).</summary>
    public long SkippedSteps { get; init; }

    /// <summary>The run's random generator (it drives shuffling and dropout from here on).</summary>
    public required RngState Rng { get; init; }

    /// <summary>Each schedule's <c>StateDict</c>, in the order of the trainer's schedules.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>> Schedules { get; init; } = [];

    /// <summary>The results of the epochs already completed.</summary>
    public IReadOnlyList<EpochResult> History { get; init; } = [];
}
