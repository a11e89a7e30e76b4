namespace Descent.Lab.Training;

/// <summary>An <see cref="ITrainingObserver"/> made of lambdas, for short scripts and tests.</summary>
/// <example>
/// <code>
/// trainer.Run(new TrainingCallbacks { OnEpoch = (t, r) => Console.WriteLine($"{r.Epoch}: {r.TestAccuracy:P2}") });
/// </code>
/// </example>
public sealed class TrainingCallbacks : ITrainingObserver
{
    /// <summary>Called after every step.</summary>
    public Action<Trainer, TrainingStep>? OnStep { get; init; }

    /// <summary>Called after every epoch, with its results.</summary>
    public Action<Trainer, EpochResult>? OnEpoch { get; init; }

    void ITrainingObserver.StepDone(Trainer trainer, in TrainingStep step) => OnStep?.Invoke(trainer, step);

    void ITrainingObserver.EpochDone(Trainer trainer, EpochResult result) => OnEpoch?.Invoke(trainer, result);
}
