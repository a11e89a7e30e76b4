using Descent.Lab.Tuning;
using Xunit.Abstractions;

namespace Descent.Tests.Tuning;

/// <summary>The store semantics against a real PostgreSQL server (a throwaway cluster).</summary>
[Collection("postgres")]
public class PostgresStorageTests(PostgresCluster cluster, ITestOutputHelper log)
{
    private static IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int n) =>
        new Dictionary<string, ParameterValue> { ["lr"] = ParameterValue.Of(0.001 * (n + 1)) };

    [Fact]
    public void ParallelWorkersClaimEveryTrialExactlyOnce()
    {
        Assert.True(cluster.Url is not null, "PostgreSQL is not installed: run scripts/setup.sh");
        string url = cluster.NewDatabase();
        using var storage = StorageUrl.Open(url);
        Assert.Equal(url.Replace("secret", "***"), storage.DisplayUrl);
        long id = storage.CreateOrJoin(SqliteStorageTests.Study(80));
        var lease = new LeasePolicy(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), 3);
        var finished = new System.Collections.Concurrent.ConcurrentBag<int>();
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, w =>
        {
            using var mine = StorageUrl.Open(url);
            while (mine.Claim(id, $"w{w}", 80, lease, Sample) is { Outcome: ClaimOutcome.Claimed, Trial: { } t })
            {
                Assert.True(mine.Report(t.Id, $"w{w}", t.Attempt, 1, 0.5));
                Assert.True(mine.Finish(t.Id, $"w{w}", t.Attempt, TrialState.Complete, t.Number, null));
                finished.Add(t.Number);
            }
        });
        Assert.Equal(Enumerable.Range(0, 80), finished.Order());
        Assert.All(storage.Trials(id, true), t => Assert.Equal((TrialState.Complete, 0.5), (t.State, t.Intermediate[1])));
    }

    [Fact]
    public void AStaleTrialIsRetriedOnTheServersClock()
    {
        Assert.True(cluster.Url is not null, "PostgreSQL is not installed: run scripts/setup.sh");
        using var storage = StorageUrl.Open(cluster.NewDatabase());
        long id = storage.CreateOrJoin(SqliteStorageTests.Study(1));
        var lease = new LeasePolicy(TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1500), 2);
        var first = storage.Claim(id, "a", 1, lease, Sample).Trial!;
        Assert.Equal(ClaimOutcome.Wait, storage.Claim(id, "b", 1, lease, Sample).Outcome);
        Thread.Sleep(2000);
        var retried = storage.Claim(id, "b", 1, lease, Sample).Trial!;
        Assert.Equal((first.Number, 2), (retried.Number, retried.Attempt));
        Assert.False(storage.Finish(first.Id, "a", 1, TrialState.Complete, 1.0, null));
        Assert.True(storage.Finish(retried.Id, "b", 2, TrialState.Complete, 1.0, null));
    }

    [Fact]
    public void AKilledWorkersTrialIsResumedOnPostgres()
    {
        Assert.True(cluster.Url is not null, "PostgreSQL is not installed: run scripts/setup.sh");
        Assert.True(File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), "Fashion-MNIST is not installed: run scripts/setup.sh");
        string dir = Path.Combine(Path.GetTempPath(), "descent-pgkill-" + Guid.NewGuid().ToString("N"));
        try { TuneKillTests.RunKillTest(cluster.NewDatabase(), log, dir); }
        finally { try { Directory.Delete(dir, true); } catch (IOException) { } }
    }
}
