namespace Descent.Lab.Tuning;

/// <summary>What <see cref="IStudyStorage.Claim"/> found.</summary>
public enum ClaimOutcome
{
    /// <summary>A trial was claimed: a new one, or a retried one to resume.</summary>
    Claimed,

    /// <summary>Nothing to do now, but trials are running: one of them may yet be retried. Ask again later.</summary>
    Wait,

    /// <summary>Every trial of the budget is finished.</summary>
    Done,
}

/// <summary>A worker's claim on a trial: the trial (its <see cref="TrialRecord.Attempt"/> is this claim's) or why there is none.</summary>
/// <param name="Outcome">What was found.</param>
/// <param name="Trial">The claimed trial when <see cref="ClaimOutcome.Claimed"/>.</param>
public sealed record TrialClaim(ClaimOutcome Outcome, TrialRecord? Trial);

/// <summary>
/// How a running trial's lease is kept and what happens to a trial whose worker died (see docs/tuning.md).
/// </summary>
/// <param name="Heartbeat">How often a worker renews its lease.</param>
/// <param name="Grace">How long after the last heartbeat a running trial is stale (Optuna's default: twice the heartbeat; ours three times).</param>
/// <param name="MaxAttempts">How many times a trial may be started: a stale trial with fewer attempts goes back to waiting and is
/// resumed from its last checkpoint by the next worker; one with this many is marked failed.</param>
public sealed record LeasePolicy(TimeSpan Heartbeat, TimeSpan Grace, int MaxAttempts)
{
    /// <summary>The default: heartbeat every 10 s, stale after 30 s, three attempts.</summary>
    public static LeasePolicy Default { get; } = new(TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30), 3);
}

/// <summary>
/// Where studies and their trials live, shared by every worker: <see cref="SqliteStudyStorage"/> (one file, one
/// machine) and <see cref="PostgresStudyStorage"/> (many machines). One schema for both, versioned
/// (<see cref="SqlStudyStorage.SchemaVersion"/>). Every method is one transaction: a completed trial, once
/// <see cref="Finish"/> returned, is never lost, and a trial is never claimed by two live workers.
/// </summary>
public interface IStudyStorage : IDisposable
{
    /// <summary>The store's URL with any password masked.</summary>
    string DisplayUrl { get; }

    /// <summary>
    /// Creates the study, or joins it when it exists with the same definition; returns its id. A different
    /// definition is a <see cref="StudyMismatchException"/> listing the differences. The stored budget becomes the
    /// larger of the stored one and <paramref name="definition"/>'s.
    /// </summary>
    long CreateOrJoin(StudyDefinition definition);

    /// <summary>The id and stored definition (canonical JSON text) of the study called <paramref name="name"/>, or null.</summary>
    (long Id, string Definition, int Trials)? FindStudy(string name);

    /// <summary>
    /// Atomically: marks stale running trials waiting (or failed, per <paramref name="lease"/>), then claims the first
    /// waiting trial, or creates trial number N (N below the larger of <paramref name="budget"/> and the stored budget) with the parameters
    /// <paramref name="sample"/> draws from the study's trials and N.
    /// </summary>
    TrialClaim Claim(long studyId, string worker, int budget, LeasePolicy lease,
        Func<IReadOnlyList<TrialRecord>, int, IReadOnlyDictionary<string, ParameterValue>> sample);

    /// <summary>Renews the lease of a claimed trial; false when the claim was lost (the trial was retried elsewhere).</summary>
    bool Heartbeat(long trialId, string worker, int attempt);

    /// <summary>Stores the intermediate value of epoch <paramref name="step"/> (replacing one a previous attempt stored); false when the claim was lost.</summary>
    bool Report(long trialId, string worker, int attempt, int step, double value);

    /// <summary>Ends a claimed trial as complete, pruned or failed; false (nothing changed) when the claim was lost.</summary>
    bool Finish(long trialId, string worker, int attempt, TrialState state, double? value, string? message);

    /// <summary>The study's trials by number, with their intermediate values when <paramref name="withIntermediate"/>.</summary>
    IReadOnlyList<TrialRecord> Trials(long studyId, bool withIntermediate);
}

/// <summary>A study exists in the store with another definition.</summary>
public sealed class StudyMismatchException(string message) : ArgumentException(message);

/// <summary>The store cannot be reached, opened or used: its URL (password masked) and the reason.</summary>
public sealed class StudyStorageException(string message, Exception? inner = null) : IOException(message, inner);
