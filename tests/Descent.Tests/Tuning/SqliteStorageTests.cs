using Descent.Lab.Compare;
using Descent.Lab.Tuning;
using Microsoft.Data.Sqlite;

namespace Descent.Tests.Tuning;

public class SqliteStorageTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-store-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    internal static StudyDefinition Study(int trials) => StudyFile.Parse(YamlDocument.Parse(
        $"name: s\nproblem: fmnist-logreg\noptimizer: sgd\nspace:\n  lr: {{ log_uniform: [1e-3, 1] }}\nsampler: random\ntrials: {trials}\n"), "s");

    private static IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int n) =>
        new Dictionary<string, ParameterValue> { ["lr"] = ParameterValue.Of(0.001 * (n + 1)) };

    [Fact]
    public void ParallelWorkersClaimEveryTrialExactlyOnceWithoutLockErrors()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(_dir, "study.db"));
        long id = storage.CreateOrJoin(Study(60));
        var lease = new LeasePolicy(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), 3);
        var finished = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, w =>
        {
            using var mine = new SqliteStudyStorage(Path.Combine(_dir, "study.db"));
            while (mine.Claim(id, $"w{w}", 60, lease, Sample) is { Outcome: ClaimOutcome.Claimed, Trial: { } t })
            {
                Assert.True(mine.Report(t.Id, $"w{w}", t.Attempt, 1, 0.5));
                Assert.True(mine.Finish(t.Id, $"w{w}", t.Attempt, TrialState.Complete, t.Number, null));
                finished.Add(t.Number);
            }
        });
        Assert.Equal(Enumerable.Range(0, 60), finished.Order());
        var trials = storage.Trials(id, withIntermediate: true);
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        Assert.All(trials, t => Assert.Equal(0.5, t.Intermediate[1]));
        Assert.Equal(ClaimOutcome.Done, storage.Claim(id, "late", 60, lease, Sample).Outcome);
    }

    [Fact]
    public void AStaleTrialIsRetriedThenFailedAndTheDeadWorkersResultIsRefused()
    {
        using var storage = new SqliteStudyStorage(Path.Combine(_dir, "study.db"));
        long id = storage.CreateOrJoin(Study(1));
        var lease = new LeasePolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1500), 2);
        var first = storage.Claim(id, "a", 1, lease, Sample).Trial!;
        Assert.True(storage.Report(first.Id, "a", 1, 1, 0.25));
        Assert.Equal(ClaimOutcome.Wait, storage.Claim(id, "b", 1, lease, Sample).Outcome);   // a's lease is fresh
        Thread.Sleep(2000);
        var retried = storage.Claim(id, "b", 1, lease, Sample).Trial!;
        Assert.Equal((first.Number, 2, 0.25), (retried.Number, retried.Attempt, retried.Intermediate[1]));
        Assert.False(storage.Finish(first.Id, "a", 1, TrialState.Complete, 1.0, null));   // a's claim is gone
        Assert.False(storage.Heartbeat(first.Id, "a", 1));
        Thread.Sleep(2000);
        Assert.Equal(ClaimOutcome.Done, storage.Claim(id, "c", 1, lease, Sample).Outcome);   // two attempts: failed
        var failed = Assert.Single(storage.Trials(id, false));
        Assert.Equal(TrialState.Failed, failed.State);
        Assert.Contains("stopped sending heartbeats", failed.Message);
    }

    [Fact]
    public void AnotherDefinitionOrSchemaVersionIsRefused()
    {
        string path = Path.Combine(_dir, "study.db");
        using (var storage = new SqliteStudyStorage(path))
        {
            storage.CreateOrJoin(Study(5));
            Assert.Equal(storage.CreateOrJoin(Study(9)), storage.FindStudy("s")!.Value.Id);   // a larger budget joins
            Assert.Equal(9, storage.FindStudy("s")!.Value.Trials);
            var other = StudyFile.Parse(YamlDocument.Parse("name: s\nproblem: fmnist-logreg\noptimizer: adam\nsampler: random\n"), "s");
            Assert.Contains("optimizer: the stored study has \"sgd\", this file \"adam\"", Assert.Throws<StudyMismatchException>(() => storage.CreateOrJoin(other)).Message);
        }
        foreach (var (version, advice) in new[] { (99, "update Descent"), (1, "written by an older Descent") })
        {
            using (var c = new SqliteConnection($"Data Source={path};Pooling=False"))
            {
                c.Open();
                using var cmd = c.CreateCommand();
                cmd.CommandText = $"UPDATE descent_schema SET version = {version}";
                cmd.ExecuteNonQuery();
            }
            var e = Assert.Throws<StudyStorageException>(() => new SqliteStudyStorage(path));
            Assert.Contains($"schema version {version}; this Descent reads version {SqlStudyStorage.SchemaVersion}", e.Message);
            Assert.Contains(advice, e.Message);
        }
    }

    [Fact]
    public void PasswordsAreMaskedAndUnreachableServersNamed()
    {
        Assert.Equal("postgresql://me:***@db:5432/x", StorageUrl.Mask("postgresql://me:secret@db:5432/x"));
        var e = Assert.Throws<StudyStorageException>(() => StorageUrl.Open("postgresql://me:secret@127.0.0.1:1/x"));
        Assert.Contains("postgresql://me:***@127.0.0.1:1/x", e.Message);
        Assert.DoesNotContain("secret", e.Message);
    }

    [Fact]
    public void AMissingFileIsNamedAndNotCreatedWhenTheStudyMustExist()
    {
        string path = Path.Combine(_dir, "typo", "study.db");
        var e = Assert.Throws<StudyStorageException>(() => StorageUrl.Open("sqlite:///" + path, create: false));
        Assert.Contains(path, e.Message);
        Assert.False(File.Exists(path));
        Assert.False(Directory.Exists(Path.GetDirectoryName(path)));
    }
}
