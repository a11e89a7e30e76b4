using System.Diagnostics;
using System.Globalization;

namespace Descent.Lab.Tuning;

/// <summary>What a worker did: trials it finished, and the time spent in the store.</summary>
/// <param name="Trials">Trials this worker ended (complete, pruned or failed).</param>
/// <param name="StoreSeconds">Seconds spent in store calls (claims, reports, pruner reads, heartbeats, results), waiting included.</param>
/// <param name="PerTrialMilliseconds">The store time of each trial this worker ended, in order (its claim to its result).</param>
public sealed record WorkerSummary(int Trials, double StoreSeconds, IReadOnlyList<double> PerTrialMilliseconds)
{
    /// <summary>The store's mean overhead per trial in milliseconds (the first call's one-off start-up included).</summary>
    public double StoreMillisecondsPerTrial => Trials == 0 ? 0 : StoreSeconds * 1000 / Trials;

    /// <summary>The median of <see cref="PerTrialMilliseconds"/>: the steady-state overhead.</summary>
    public double MedianMillisecondsPerTrial => PerTrialMilliseconds.Count == 0 ? 0
        : PerTrialMilliseconds.Order().ElementAt(PerTrialMilliseconds.Count / 2);
}

/// <summary>
/// Runs one trial (what <see cref="TrialRunner.Run"/> does for a study's problem): after every epoch
/// <paramref name="epochDone"/> gets the epoch and its intermediate value and answers whether to stop (pruned);
/// <paramref name="abandon"/> says the lease was lost (return an outcome in state running).
/// </summary>
public delegate TrialOutcome TrialFunction(TrialRecord trial, Func<int, double, bool> epochDone, Func<bool> abandon);

/// <summary>
/// One worker of a study: claims a trial, trains it (<see cref="TrialRunner"/>) while a heartbeat renews its lease,
/// stores each epoch's intermediate value, asks the pruner, and ends the trial — until the budget is spent and no
/// trial is running anywhere (while others run, it waits: one of them may be retried). Workers can join and leave at
/// any time; a worker that dies leaves its trial to the retry policy (<see cref="LeasePolicy"/>). A store call that
/// fails for a lost connection is repeated (see <see cref="IStudyStorage"/>: repeating is safe).
/// </summary>
public sealed class Worker
{
    private readonly IStudyStorage _storage;
    private readonly StudyDefinition _study;
    private readonly long _studyId;
    private readonly LeasePolicy _lease;
    private readonly TrialFunction _run;
    private readonly Action<int>? _clean;
    private readonly ISampler _sampler;
    private readonly IPruner? _pruner;
    private long _storeTicks;

    /// <summary>A worker of study <paramref name="studyId"/> in <paramref name="storage"/>, checkpointing trials under <paramref name="checkpoints"/>.</summary>
    public Worker(IStudyStorage storage, StudyDefinition study, long studyId, string checkpoints, LeasePolicy? lease = null, string? id = null)
        : this(storage, study, studyId, new TrialRunner(study, checkpoints), lease, id) { }

    private Worker(IStudyStorage storage, StudyDefinition study, long studyId, TrialRunner runner, LeasePolicy? lease, string? id)
        : this(storage, study, studyId, runner.Run, lease, id) => _clean = runner.Clean;

    /// <summary>
    /// A worker of study <paramref name="studyId"/> whose trials <paramref name="run"/> evaluates instead of training
    /// the study's problem (a benchmark's cheap function, a test's): sampling, pruning, leases and the store are the same.
    /// </summary>
    public Worker(IStudyStorage storage, StudyDefinition study, long studyId, TrialFunction run, LeasePolicy? lease = null, string? id = null)
    {
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(study);
        ArgumentNullException.ThrowIfNull(run);
        _storage = storage;
        _study = study;
        _studyId = studyId;
        _lease = lease ?? LeasePolicy.Default;
        _run = run;
        _sampler = Samplers.For(study);
        _pruner = Pruners.For(study);
        Id = id ?? $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid().ToString("N")[..6]}";
    }

    /// <summary>The worker's name in the store: machine, process and a random suffix.</summary>
    public string Id { get; }

    /// <summary>Called with one line per event (claim, end of a trial).</summary>
    public Action<string>? Log { get; init; }

    /// <summary>Runs trials until the study's budget is spent (or <paramref name="maxTrials"/> were run, or <paramref name="cancel"/> is set).</summary>
    public WorkerSummary Run(int? maxTrials = null, CancellationToken cancel = default)
    {
        int done = 0;
        var perTrial = new List<double>();
        while (!cancel.IsCancellationRequested && (maxTrials is null || done < maxTrials))
        {
            long trialStart = Interlocked.Read(ref _storeTicks);
            string token = Guid.NewGuid().ToString("N");   // the same for the repeats of this claim
            var claim = Retried(() => _storage.Claim(_studyId, Id, _study.Trials, _lease, _sampler.Sample, token));
            if (claim.Outcome == ClaimOutcome.Done) break;
            if (claim.Outcome == ClaimOutcome.Wait)
            {
                cancel.WaitHandle.WaitOne(TimeSpan.FromMilliseconds(Math.Min(1000, _lease.Heartbeat.TotalMilliseconds)));
                continue;
            }
            if (RunTrial(claim.Trial!))
            {
                done++;
                perTrial.Add((double)(Interlocked.Read(ref _storeTicks) - trialStart) * 1000 / Stopwatch.Frequency);
            }
        }
        return new WorkerSummary(done, (double)Interlocked.Read(ref _storeTicks) / Stopwatch.Frequency, perTrial);
    }

    private bool RunTrial(TrialRecord trial)
    {
        Log?.Invoke($"trial {trial.Number} {(trial.Attempt > 1 ? $"resumed (attempt {trial.Attempt})" : "started")}: {Describe(trial.Params)}");
        int lost = 0;
        using var heartbeat = new Timer(_ =>
        {
            try { if (!Timed(() => _storage.Heartbeat(trial.Id, Id, trial.Attempt))) Interlocked.Exchange(ref lost, 1); }
            catch (StudyStorageException) { }   // a lost connection: the next beat tries again; the lease covers a few misses
        }, null, _lease.Heartbeat, _lease.Heartbeat);
        int maxEpochs = _study.EpochsOf(trial.Params);
        TrialOutcome outcome;
        try
        {
            outcome = _run(trial, (epoch, value) =>
            {
                if (_pruner is null)
                {
                    if (!Retry(() => _storage.Report(trial.Id, Id, trial.Attempt, epoch, value))) Interlocked.Exchange(ref lost, 1);
                    return Volatile.Read(ref lost) == 1;
                }
                // The value stored and every worker's values read back for the pruner, in one call.
                var trials = Retried(() => _storage.ReportAndRead(_studyId, trial.Id, Id, trial.Attempt, epoch, value));
                if (trials is null) { Interlocked.Exchange(ref lost, 1); return true; }
                var me = trials.First(t => t.Id == trial.Id);
                return _pruner.ShouldPrune(me, epoch, maxEpochs, trials);
            }, () => Volatile.Read(ref lost) == 1);
        }
        catch (Exception e) when (e is not (OutOfMemoryException or StudyStorageException))
        {
            // A trial that cannot run (a damaged checkpoint, a full disk, settings its optimizer refuses) fails on its
            // own, with the reason; it does not take the worker down, nor come back to kill the next one.
            outcome = new TrialOutcome(TrialState.Failed, null, $"{e.GetType().Name}: {e.Message.ReplaceLineEndings(" ")}");
        }
        heartbeat.Dispose();
        if (outcome.State == TrialState.Running || Volatile.Read(ref lost) == 1)
        {
            Log?.Invoke($"trial {trial.Number} abandoned: another worker holds it now");
            return false;
        }
        bool finished = Retry(() => _storage.Finish(trial.Id, Id, trial.Attempt, outcome.State, outcome.Value, outcome.Message));
        if (!finished)
        {
            Log?.Invoke($"trial {trial.Number} result discarded: another worker holds it now");
            return false;
        }
        _clean?.Invoke(trial.Number);
        Log?.Invoke($"trial {trial.Number} {outcome.State.Name()}{(outcome.Value is double v ? " " + v.ToString("G6", CultureInfo.InvariantCulture) : "")}{(outcome.Message is { } m && outcome.State == TrialState.Failed ? ": " + m : "")}");
        return true;
    }

    /// <summary>Retries a store call that failed for a lost connection, for up to about a minute, so a finished trial is not lost to a blip.</summary>
    private bool Retry(Func<bool> call) => Retried(call);

    private T Retried<T>(Func<T> call)
    {
        for (int attempt = 0; ; attempt++)
        {
            try { return Timed(call); }
            catch (StudyStorageException e) when (attempt < 8 && e.InnerException is not null)
            {
                Log?.Invoke($"store call failed ({e.Message}); retrying");
                Thread.Sleep(TimeSpan.FromMilliseconds(250 << attempt));
            }
        }
    }

    private T Timed<T>(Func<T> call)
    {
        long start = Stopwatch.GetTimestamp();
        try { return call(); }
        finally { Interlocked.Add(ref _storeTicks, Stopwatch.GetTimestamp() - start); }
    }

    /// <summary>"lr=0.001, betas.0=0.9".</summary>
    public static string Describe(IReadOnlyDictionary<string, ParameterValue> values) =>
        string.Join(", ", values.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={(p.Value.IsText ? p.Value.Text : p.Value.Number.ToString("G4", CultureInfo.InvariantCulture))}"));
}
