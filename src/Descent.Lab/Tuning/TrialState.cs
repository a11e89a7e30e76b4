namespace Descent.Lab.Tuning;

/// <summary>Where a trial is in its life; stored as its lower-case name.</summary>
public enum TrialState
{
    /// <summary>Created and waiting for a worker: a retried trial whose worker died, resumed from its checkpoint.</summary>
    Waiting,

    /// <summary>Claimed by a worker holding its lease.</summary>
    Running,

    /// <summary>Trained to its budget; it has a value.</summary>
    Complete,

    /// <summary>Stopped early by the pruner; its value is the last intermediate value.</summary>
    Pruned,

    /// <summary>Diverged, or its worker died more often than the retry policy allows.</summary>
    Failed,
}

/// <summary>The text form of <see cref="TrialState"/> used in the store and in status output.</summary>
public static class TrialStates
{
    /// <summary>"waiting", "running", "complete", "pruned" or "failed".</summary>
    public static string Name(this TrialState state) => state.ToString().ToLowerInvariant();

    /// <summary>Reads <see cref="Name"/>'s text.</summary>
    public static TrialState Parse(string text) => Enum.TryParse<TrialState>(text, ignoreCase: true, out var s) && Enum.IsDefined(s)
        ? s
        : throw new FormatException($"unknown trial state '{text}'");

    /// <summary>Whether the trial is over (complete, pruned or failed).</summary>
    public static bool IsFinished(this TrialState state) => state is TrialState.Complete or TrialState.Pruned or TrialState.Failed;
}
