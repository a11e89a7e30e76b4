using System.Collections.Concurrent;
using Descent.Lab.Compare;
using Descent.Lab.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>
/// A store whose replies can be lost: the call reaches the database and does its work, then the caller gets a
/// connection error instead of the answer — what a broken connection does after the server committed.
/// </summary>
internal sealed class LossyStorage(IStudyStorage inner, Func<string, int, bool> lose) : IStudyStorage
{
    private readonly ConcurrentDictionary<string, int> _calls = new();

    /// <summary>Replies lost so far.</summary>
    public int Lost;

    private T Call<T>(string name, Func<T> call)
    {
        var result = call();
        if (lose(name, _calls.AddOrUpdate(name, 1, (_, n) => n + 1)))
        {
            Interlocked.Increment(ref Lost);
            throw new StudyStorageException($"study store {inner.DisplayUrl}: the reply to {name} was lost", new IOException("connection reset by peer"));
        }
        return result;
    }

    public string DisplayUrl => inner.DisplayUrl;
    public long CreateOrJoin(StudyDefinition definition) => inner.CreateOrJoin(definition);
    public (long Id, string Definition, int Trials)? FindStudy(string name) => inner.FindStudy(name);

    public TrialClaim Claim(long studyId, string worker, int budget, LeasePolicy lease,
        Func<IReadOnlyList<TrialRecord>, int, IReadOnlyDictionary<string, ParameterValue>> sample, string? token = null) =>
        Call("Claim", () => inner.Claim(studyId, worker, budget, lease, sample, token));

    public bool Heartbeat(long trialId, string worker, int attempt) => Call("Heartbeat", () => inner.Heartbeat(trialId, worker, attempt));
    public bool Report(long trialId, string worker, int attempt, int step, double value) => Call("Report", () => inner.Report(trialId, worker, attempt, step, value));

    public IReadOnlyList<TrialRecord>? ReportAndRead(long studyId, long trialId, string worker, int attempt, int step, double value) =>
        Call("ReportAndRead", () => inner.ReportAndRead(studyId, trialId, worker, attempt, step, value));

    public bool Finish(long trialId, string worker, int attempt, TrialState state, double? value, string? message) =>
        Call("Finish", () => inner.Finish(trialId, worker, attempt, state, value, message));

    public IReadOnlyList<TrialRecord> Trials(long studyId, bool withIntermediate) => inner.Trials(studyId, withIntermediate);
    public void Dispose() => inner.Dispose();
}

/// <summary>
/// Claims and results repeated after a lost reply, and four workers whose replies get lost, against a real store:
/// every trial ends exactly once, none is left running, none is retried.
/// </summary>
public abstract class LostReplyTests
{
    /// <summary>The URL of a fresh, empty store.</summary>
    protected abstract string NewStore();

    private static IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int n) =>
        new Dictionary<string, ParameterValue> { ["lr"] = ParameterValue.Of(0.001 * (n + 1)) };

    private static readonly LeasePolicy Lease = new(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), 3);

    [Fact]
    public void ARepeatedClaimFindsItsTrialAndARepeatedFinishSucceedsOnce()
    {
        using var storage = StorageUrl.Open(NewStore());
        long id = storage.CreateOrJoin(SqliteStorageTests.Study(3));
        var lossy = new LossyStorage(storage, (name, n) => n == 1);   // the first reply of each kind is lost

        Assert.Throws<StudyStorageException>(() => lossy.Claim(id, "a", 3, Lease, Sample, "token-1"));
        var claimed = storage.Claim(id, "a", 3, Lease, Sample, "token-1");   // the repeat
        Assert.Equal((ClaimOutcome.Claimed, 0, 1), (claimed.Outcome, claimed.Trial!.Number, claimed.Trial.Attempt));
        var only = Assert.Single(storage.Trials(id, false));   // one trial: the lost claim's, not an orphan beside it
        Assert.Equal((claimed.Trial.Id, TrialState.Running, "a"), (only.Id, only.State, only.Worker));
        Assert.Equal(1, storage.Claim(id, "a", 3, Lease, Sample, "token-2").Trial!.Number);   // a new token is a new claim

        Assert.True(storage.Report(claimed.Trial.Id, "a", 1, 1, 0.75));
        Assert.True(storage.Report(claimed.Trial.Id, "a", 1, 1, 0.5));   // a repeat overwrites its own value
        Assert.Throws<StudyStorageException>(() => lossy.Finish(claimed.Trial.Id, "a", 1, TrialState.Complete, 0.5, null));
        Assert.True(lossy.Finish(claimed.Trial.Id, "a", 1, TrialState.Complete, 0.5, null));   // the repeat succeeds
        Assert.True(storage.Finish(claimed.Trial.Id, "a", 1, TrialState.Complete, 0.5, null));   // and again, changing nothing
        Assert.False(storage.Finish(claimed.Trial.Id, "a", 2, TrialState.Complete, 0.9, null));   // not this attempt's
        Assert.False(storage.Finish(claimed.Trial.Id, "b", 1, TrialState.Complete, 0.9, null));   // not this worker's
        Assert.False(storage.Finish(claimed.Trial.Id, "a", 1, TrialState.Failed, null, "late"));   // not the state it ended in
        var done = storage.Trials(id, true).Single(t => t.Number == 0);
        Assert.Equal((TrialState.Complete, 0.5, 1, 0.5), (done.State, done.Value, done.Attempt, done.Intermediate[1]));
    }

    [Fact]
    public void ARepeatedClaimOfARetriedTrialFindsItWithItsValues()
    {
        using var storage = StorageUrl.Open(NewStore());
        long id = storage.CreateOrJoin(SqliteStorageTests.Study(1));
        var lease = new LeasePolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1000), 3);
        var first = storage.Claim(id, "a", 1, lease, Sample).Trial!;
        Assert.True(storage.Report(first.Id, "a", 1, 1, 0.25));
        Thread.Sleep(1600);   // a's lease expires
        var lossy = new LossyStorage(storage, (name, n) => n == 1);
        Assert.Throws<StudyStorageException>(() => lossy.Claim(id, "b", 1, lease, Sample, "token-b"));
        var retried = lossy.Claim(id, "b", 1, lease, Sample, "token-b").Trial!;
        Assert.Equal((first.Id, 2, 0.25), (retried.Id, retried.Attempt, retried.Intermediate[1]));   // attempt 2, not 3
        Assert.Equal(ClaimOutcome.Wait, storage.Claim(id, "c", 1, lease, Sample).Outcome);
        Assert.True(storage.Finish(retried.Id, "b", 2, TrialState.Complete, 1.0, null));
        Assert.Equal(ClaimOutcome.Done, storage.Claim(id, "c", 1, lease, Sample).Outcome);
    }

    internal static StudyDefinition SurfaceStudy(int trials) => StudyFile.Parse(YamlDocument.Parse($"""
        name: lossy
        problem: quadratic-deep
        epochs: 4
        objective: {"{"} metric: test_loss {"}"}
        optimizer: sgd
        space:
          lr: {"{"} log_uniform: [1e-3, 1] {"}"}
        sampler: tpe
        pruner: asha
        trials: {trials}
        """), "lossy");

    /// <summary>A cheap trial: a bowl in log10(lr) whose value falls with the epochs.</summary>
    internal static TrialOutcome Bowl(TrialRecord trial, Func<int, double, bool> epochDone, Func<bool> abandon)
    {
        double x = Math.Log10(trial.Params["lr"].Number) + 1.5, value = double.NaN;
        for (int epoch = 1; epoch <= 4; epoch++)
        {
            value = x * x + 1.0 / epoch;
            if (abandon()) return new TrialOutcome(TrialState.Running, null, "abandoned");
            if (epochDone(epoch, value)) return new TrialOutcome(TrialState.Pruned, value, $"pruned after epoch {epoch}");
        }
        return new TrialOutcome(TrialState.Complete, value, null);
    }

    [Fact]
    public void FourWorkersWhoseRepliesGetLostEndEveryTrialExactlyOnce()
    {
        string url = NewStore();
        var study = SurfaceStudy(16);
        long id;
        using (var storage = StorageUrl.Open(url)) id = storage.CreateOrJoin(study);
        var workers = new ConcurrentBag<(WorkerSummary Summary, int Lost)>();
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, w =>
        {
            // Each worker loses its second claim's reply, its first result's and its third report's.
            using var mine = new LossyStorage(StorageUrl.Open(url), (name, n) => (name, n) is ("Claim", 2) or ("Finish", 1) or ("ReportAndRead", 3));
            workers.Add((new Worker(mine, study, id, Bowl, Lease, $"w{w}").Run(), mine.Lost));
        });
        var summaries = workers.Select(w => w.Summary).ToList();
        using var store = StorageUrl.Open(url);
        var trials = store.Trials(id, withIntermediate: true);
        // how many trials each worker gets depends on the scheduler; a worker that ended one lost its first result's
        // reply, and one that ended two had also claimed twice and lost that reply
        Assert.All(workers, w => Assert.True(w.Lost >= Math.Min(2, w.Summary.Trials), $"a worker that ended {w.Summary.Trials} trials lost {w.Lost} replies"));
        Assert.True(workers.Sum(w => w.Lost) >= 2, $"only {workers.Sum(w => w.Lost)} replies were lost");
        Assert.Equal(Enumerable.Range(0, 16), trials.Select(t => t.Number));   // none lost, none created twice
        Assert.All(trials, t => Assert.True(t.State is TrialState.Complete or TrialState.Pruned, $"trial {t.Number} is {t.State.Name()}"));
        Assert.All(trials, t => Assert.Equal(1, t.Attempt));   // no claim left running to be retried
        Assert.Equal(16, summaries.Sum(s => s.Trials));   // each ended once, by the worker that claimed it
        Assert.All(trials, t => Assert.Equal(Enumerable.Range(1, t.Intermediate.Count), t.Intermediate.Keys.Order()));
        Assert.Contains(trials, t => t.State == TrialState.Pruned);
    }
}

public sealed class SqliteLostReplyTests : LostReplyTests, IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-lost-" + Guid.NewGuid().ToString("N"));
    private int _stores;

    protected override string NewStore() => "sqlite:///" + Path.Combine(_dir, $"study{Interlocked.Increment(ref _stores)}.db");

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }
}

[Collection("postgres")]
public sealed class PostgresLostReplyTests(PostgresCluster cluster) : LostReplyTests
{
    protected override string NewStore()
    {
        Assert.True(cluster.Url is not null, "PostgreSQL is not installed: run scripts/setup.sh");
        return cluster.NewDatabase();
    }
}
