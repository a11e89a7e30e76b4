using System.Diagnostics;
using System.Text.RegularExpressions;
using Descent.Lab.Compare;
using Descent.Lab.Tuning;
using Descent.Tests.Cli;
using Xunit.Abstractions;

namespace Descent.Tests.Tuning;

/// <summary>Worker processes on a real store, one SIGKILLed in the middle of a trial, another started later.</summary>
public class TuneKillTests(ITestOutputHelper log) : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-kill-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    internal const string StudyYaml = """
        name: kill
        problem: fmnist-logreg
        epochs: 4
        batch_size: 32
        train_limit: 4000
        test_limit: 500
        objective: { metric: test_accuracy }
        optimizer: sgd
        space:
          lr: { log_uniform: [1e-3, 0.5] }
        sampler: random
        trials: 6
        """;

    [Fact]
    public void AKilledWorkersTrialIsResumedAndTheStudyEndsWithExactlyTheBudget()
    {
        Assert.True(File.Exists("/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"), "Fashion-MNIST is not installed: run scripts/setup.sh");
        string url = "sqlite:///" + Path.Combine(_dir, "study.db");
        RunKillTest(url, log, _dir);
    }

    internal static void RunKillTest(string url, ITestOutputHelper log, string dir)
    {
        var study = StudyFile.Parse(YamlDocument.Parse(StudyYaml), "kill");
        long id;
        using (var storage = StorageUrl.Open(url)) id = storage.CreateOrJoin(study);
        string[] args = ["tune", "worker", "--study", "kill", "--storage", url, "--checkpoints", Path.Combine(dir, "trials"), "--heartbeat", "0.5", "--grace", "2"];
        var workers = Enumerable.Range(0, 3).Select(_ => CliProcess.Start(args)).ToList();
        using var store = StorageUrl.Open(url);
        int killedTrial = -1;
        var clock = Stopwatch.StartNew();
        while (killedTrial < 0 && clock.Elapsed < TimeSpan.FromSeconds(90))
        {
            foreach (var t in store.Trials(id, withIntermediate: true).Where(t => t.State == TrialState.Running && t.Intermediate.Count is >= 1 and < 4))
            {
                var victim = workers.FirstOrDefault(w => !w.Process.HasExited && t.Worker!.Contains($":{w.Process.Id}:", StringComparison.Ordinal));
                if (victim is null) continue;
                victim.Process.Kill();   // SIGKILL: no cleanup, the lease just stops being renewed
                victim.Process.WaitForExit();
                killedTrial = t.Number;
                log.WriteLine($"killed worker {victim.Process.Id} in trial {t.Number} after epoch {t.Intermediate.Keys.Max()}");
                break;
            }
            Thread.Sleep(30);
        }
        Assert.True(killedTrial >= 0, "no worker was caught in the middle of a trial");
        workers.Add(CliProcess.Start(args));   // a late worker joins
        foreach (var w in workers)
            if (!w.Process.WaitForExit(TimeSpan.FromSeconds(180))) { w.Process.Kill(true); Assert.Fail("a worker did not finish"); }
        var outputs = workers.Select(w => w.Result()).ToList();
        foreach (var o in outputs) log.WriteLine(o.Output + o.Error);

        var trials = store.Trials(id, withIntermediate: true);
        Assert.Equal(6, trials.Count);
        Assert.Equal(Enumerable.Range(0, 6), trials.Select(t => t.Number));
        Assert.All(trials, t => Assert.Equal(TrialState.Complete, t.State));
        var killed = trials.Single(t => t.Number == killedTrial);
        Assert.Equal(2, killed.Attempt);   // retried once, resumed from its checkpoint
        Assert.All(trials.Where(t => t.Number != killedTrial), t => Assert.Equal(1, t.Attempt));
        var ended = outputs.SelectMany(o => Regex.Matches(o.Output, @"^trial (\d+) complete", RegexOptions.Multiline)).Select(m => int.Parse(m.Groups[1].Value)).ToList();
        Assert.Equal(Enumerable.Range(0, 6), ended.Order());   // each trial ended once, by one worker
        Assert.Contains(outputs, o => o.Output.Contains($"trial {killedTrial} resumed (attempt 2)", StringComparison.Ordinal));
        foreach (var o in outputs) foreach (Match m in Regex.Matches(o.Output, @"store overhead [\d.]+ ms per trial")) log.WriteLine(m.Value);
    }
}
