namespace Descent.Lab.Training;

/// <summary>
/// What one epoch produced. <see cref="TrainLoss"/> is the mean of the minibatch losses seen during the epoch,
/// weighted by batch size (the model changes while it is measured, as in most training logs). <see cref="Lr"/> is
/// the learning rate of the first parameter group at the end of the epoch. <see cref="TrainAccuracy"/> is the fraction
/// of the epoch's training samples whose largest output was their label, counted as they were trained on (NaN for a
/// problem without classes, as is <see cref="TestAccuracy"/>).
/// </summary>
public sealed record EpochResult(
    int Epoch,
    double TrainLoss,
    double TestLoss,
    double TestAccuracy,
    double Seconds,
    double SamplesPerSecond,
    double Lr,
    double TrainAccuracy = double.NaN);
