namespace Descent.Lab.Training;

/// <summary>
/// Raised when a step's loss, or a gradient, is NaN or infinite; names the step, the epoch and (for a gradient, or
/// when a weight already holds NaN or ∞) the first offending parameter. Nothing was updated by that step.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a message only.</summary>
    public TrainingDivergedException(string message) : base(message) { }

    /// <summary>Creates the exception for global step <paramref name="step"/> of <paramref name="epoch"/>.</summary>
    public TrainingDivergedException(string message, long step, int epoch, string? parameter, Exception? innerException = null)
        : base(message, innerException)
    {
        Step = step;
        Epoch = epoch;
        Parameter = parameter;
    }

    /// <summary>The global step (batches since the start of the run, from 1) that diverged, when known.</summary>
    public long? Step { get; }

    /// <summary>The epoch (from 1), when known.</summary>
    public int? Epoch { get; }

    /// <summary>The first parameter whose gradient or value was not finite, when one is known.</summary>
    public string? Parameter { get; }
}
