using Descent.Lab.Compare;
using Descent.Lab.Training;
using Descent.Lab.Tuning;

namespace Descent.Tests.Tuning;

/// <summary>A trial's checkpoints: one per finished epoch that goes on, none that would be deleted at once, and a bit-identical resume.</summary>
public sealed class TrialRunnerTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-runner-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        try { Directory.Delete(_dir, true); } catch (IOException) { }
    }

    private static readonly StudyDefinition Study = StudyFile.Parse(YamlDocument.Parse("""
        name: runner
        problem: quadratic-deep
        epochs: 3
        batch_size: 32
        train_limit: 64
        test_limit: 64
        objective: { metric: test_loss }
        seeds: 2
        optimizer: sgd
        space:
          lr: { log_uniform: [1e-3, 1e-1] }
        sampler: random
        """), "runner");

    private static readonly TrialRecord Trial = new()
    {
        Id = 1, Number = 7, State = TrialState.Running, Attempt = 1,
        Params = new Dictionary<string, ParameterValue> { ["lr"] = ParameterValue.Of(0.01) },
    };

    /// <summary>The epoch of each seed's newest checkpoint (0: none).</summary>
    private static int[] CheckpointEpochs(TrialRunner runner) => [.. Enumerable.Range(0, 2).Select(s =>
        new CheckpointDirectory(Path.Combine(runner.DirectoryOf(Trial.Number), $"seed-{s}")).List() is { Count: > 0 } all ? (int)(all[^1].Step / 2) : 0)];

    [Fact]
    public void AnEpochIsCheckpointedAfterItsValueIsJudgedAndTheLastOneIsNot()
    {
        var runner = new TrialRunner(Study, _dir);
        var seen = new List<(int Epoch, int[] Checkpoints)>();
        var outcome = runner.Run(Trial, (epoch, _) => { seen.Add((epoch, CheckpointEpochs(runner))); return false; }, () => false);
        Assert.Equal(TrialState.Complete, outcome.State);
        // When epoch E is reported, the seeds' newest checkpoints are of E − 1: E's is written once E was stored and judged.
        Assert.Equal(["1: 0,0", "2: 1,1", "3: 2,2"], seen.Select(x => $"{x.Epoch}: {string.Join(',', x.Checkpoints)}"));
        Assert.Equal([2, 2], CheckpointEpochs(runner));   // the last epoch wrote nothing

        var pruned = new TrialRunner(Study, Path.Combine(_dir, "pruned"));
        Assert.Equal(TrialState.Pruned, pruned.Run(Trial, (epoch, _) => epoch == 2, () => false).State);
        Assert.Equal([1, 1], CheckpointEpochs(pruned));   // the pruned epoch wrote nothing
    }

    [Fact]
    public void ARetriedTrialResumesAfterItsLastReportedEpochBitIdentically()
    {
        var whole = new TrialRunner(Study, Path.Combine(_dir, "whole")).Run(Trial, (_, _) => false, () => false);

        var runner = new TrialRunner(Study, Path.Combine(_dir, "retried"));
        bool lost = false;
        var first = runner.Run(Trial, (epoch, _) => { lost = epoch == 2; return false; }, () => lost);   // the lease is lost in epoch 3
        Assert.Equal(TrialState.Running, first.State);
        var reported = new List<int>();
        var second = runner.Run(Trial with { Attempt = 2 }, (epoch, _) => { reported.Add(epoch); return false; }, () => false);
        Assert.Equal([3], reported);   // epochs 1 and 2 were reported by the first attempt
        Assert.Equal(TrialState.Complete, second.State);
        Assert.Equal(whole.Value, second.Value);
    }
}
