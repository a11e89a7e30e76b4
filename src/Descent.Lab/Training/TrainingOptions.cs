using Descent.Lab.Schedules;
using Descent.Optim;

namespace Descent.Lab.Training;

/// <summary>How to train: budget, batch size, seed and data limits. Every value is validated by <see cref="Validate"/>.</summary>
public sealed record TrainingOptions
{
    /// <summary>Passes over the training set (≥ 1).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per minibatch (≥ 1).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Samples per batch when evaluating (≥ 1); only speed depends on it.</summary>
    public int EvalBatchSize { get; init; } = 1000;

    /// <summary>The seed of the run's one random generator (initialization, shuffling, dropout).</summary>
    public ulong Seed { get; init; }

    /// <summary>Schedules of the learning rate or other hyper-parameters, applied per step or per epoch.</summary>
    public IReadOnlyList<ScheduleSpec> Schedules { get; init; } = [];

    /// <summary>Use only the first N training samples when set (≥ 1).</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first N test samples when set (≥ 1).</summary>
    public int? TestLimit { get; init; }

    /// <summary>
    /// What to do when a step's loss or a gradient is NaN or infinite: <see cref="NonFinitePolicy.Throw"/> (the default)
    /// stops with a <see cref="TrainingDivergedException"/> naming the step (and the parameter, for a gradient);
    /// <see cref="NonFinitePolicy.SkipStep"/> skips that step, leaving weights and optimizer state unchanged (the step
    /// still counts for schedules and checkpoints). The trainer sets it on its optimizer.
    /// </summary>
    public NonFinitePolicy NonFinitePolicy { get; init; } = NonFinitePolicy.Throw;

    /// <summary>
    /// Evaluate on the test set before the first step too (reported to observers as epoch 0), as a comparison does
    /// to draw its curves from the initial weights.
    /// </summary>
    public bool EvaluateAtStart { get; init; }

    /// <summary>Throws an <see cref="ArgumentOutOfRangeException"/> naming the first invalid value.</summary>
    public void Validate()
    {
        if (Epochs < 1) throw new InvalidOptionException("epochs", Epochs, "epochs must be at least 1");
        if (BatchSize < 1) throw new InvalidOptionException("batch_size", BatchSize, "batch size must be at least 1");
        if (EvalBatchSize < 1) throw new InvalidOptionException("eval_batch_size", EvalBatchSize, "evaluation batch size must be at least 1");
        if (TrainLimit < 1) throw new InvalidOptionException("train_limit", TrainLimit, "train limit must be at least 1");
        if (TestLimit < 1) throw new InvalidOptionException("test_limit", TestLimit, "test limit must be at least 1");
        if (!Enum.IsDefined(NonFinitePolicy)) throw new InvalidOptionException("non_finite_policy", NonFinitePolicy, "unknown non-finite policy");
    }
}
