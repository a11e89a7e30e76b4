using Descent.Tensors;

namespace Descent.Lab.Training;

/// <summary>
/// One finished training step, as an <see cref="ITrainingObserver"/> sees it. <see cref="Output"/> is the model's
/// output for the batch and <see cref="Labels"/> its labels: both are valid during the call only (the trainer reuses
/// their memory).
/// </summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Batch">The batch within the epoch, from 1.</param>
/// <param name="BatchesPerEpoch">Batches in an epoch.</param>
/// <param name="GlobalStep">Batches since the start of the run, from 1 (skipped steps included).</param>
/// <param name="Loss">The batch's loss (NaN or ∞ for a step skipped under <c>NonFinitePolicy.SkipStep</c>).</param>
/// <param name="Skipped">Whether the update was skipped because the loss or a gradient was not finite.</param>
/// <param name="Output">The model's output for the batch.</param>
/// <param name="Labels">The batch's labels.</param>
public readonly record struct TrainingStep(int Epoch, int Batch, int BatchesPerEpoch, long GlobalStep, double Loss, bool Skipped, Tensor Output, ReadOnlyMemory<int> Labels);

/// <summary>An evaluation on the test set: after <paramref name="Epoch"/> (0: before training) at <paramref name="GlobalStep"/>.</summary>
/// <param name="Epoch">The epoch just completed; 0 for the evaluation before training.</param>
/// <param name="GlobalStep">Batches trained so far.</param>
/// <param name="Loss">The mean test loss.</param>
/// <param name="Accuracy">The fraction of test samples classified correctly (NaN for a problem without classes).</param>
public readonly record struct EvaluationResult(int Epoch, long GlobalStep, double Loss, double Accuracy);

/// <summary>
/// Follows a <see cref="Trainer.Run(ITrainingObserver[])"/>: progress bars, metric recorders and checkpoint policies
/// are observers. Every method has an empty default; they are called on the training thread, between steps, so an
/// observer may capture the trainer's state (<see cref="Trainer.CaptureState"/>) or ask it to stop
/// (<see cref="Trainer.RequestStop"/>).
/// </summary>
public interface ITrainingObserver
{
    /// <summary><see cref="Trainer.Run(ITrainingObserver[])"/> is about to train (from the start or from a restored state).</summary>
    void RunStarted(Trainer trainer) { }

    /// <summary>A step finished: the optimizer updated the weights (or skipped the update) and the schedules moved.</summary>
    void StepDone(Trainer trainer, in TrainingStep step) { }

    /// <summary>The model was evaluated on the test set: before training (when asked) and after every epoch.</summary>
    void Evaluated(Trainer trainer, EvaluationResult evaluation) { }

    /// <summary>An epoch finished and was evaluated; its results are the last entry of <see cref="Trainer.History"/>.</summary>
    void EpochDone(Trainer trainer, EpochResult result) { }

    /// <summary>The last epoch finished: the run is complete.</summary>
    void RunFinished(Trainer trainer) { }

    /// <summary>The run diverged; <see cref="Trainer.Run(ITrainingObserver[])"/> throws <paramref name="exception"/> after every observer has seen it.</summary>
    void Diverged(Trainer trainer, TrainingDivergedException exception) { }
}
