namespace Descent.Lab.Training;

/// <summary>
/// What one epoch produced. <see cref="TrainLoss"/> is the mean of the minibatch losses seen during the epoch,
/// weighted by batch size (the model changes while it is measured, as in most training logs). <see cref="Lr"/> is
/// the learning rate of the first parameter group at the end of the epoch.
/// </summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double TestLoss,
    double TestAccuracy,
    double Seconds,
    double SamplesPerSecond,
    double Lr);
