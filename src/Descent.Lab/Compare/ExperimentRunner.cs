using System.Diagnostics;
using Descent.Lab.Problems;
using Descent.Lab.Training;

namespace Descent.Lab.Compare;

/// <summary>One training run of a comparison: an optimizer and a seed.</summary>
public sealed record RunInfo(int Index, int Count, string Label, OptimizerSpec Spec, ulong Seed, int Epochs, int BatchesPerEpoch);

/// <summary>What one epoch of a run produced (accuracies are NaN for problems without classes).</summary>
public sealed record EpochSummary(int Epoch, long Step, double TrainLoss, double TrainAccuracy, double TestLoss, double TestAccuracy, double Lr, double Seconds, double Elapsed);

/// <summary>How a run ended: its epochs, and whether (and why) it diverged.</summary>
public sealed record RunOutcome(RunInfo Run, IReadOnlyList<EpochSummary> Epochs, string? Divergence)
{
    /// <summary>True when the loss became NaN or infinite.</summary>
    public bool Diverged => Divergence is not null;
}

/// <summary>Follows a comparison as it runs (progress bars, log lines). Every method has an empty default.</summary>
public interface ICompareObserver
{
    /// <summary>A run is about to train.</summary>
    void RunStarted(RunInfo run) { }

    /// <summary>A step of a run finished with this minibatch loss.</summary>
    void StepDone(RunInfo run, int epoch, int batch, double loss) { }

    /// <summary>An epoch of a run finished.</summary>
    void EpochDone(RunInfo run, EpochSummary epoch) { }

    /// <summary>A run finished or diverged.</summary>
    void RunFinished(RunOutcome outcome) { }
}

/// <summary>
/// Runs an experiment: for each seed, each optimizer in turn trains the problem's model with the trainer,
/// starting from the same initial weights and seeing the same minibatches in the same order (checked: a run whose
/// initial weights or batch labels differ from the seed's first run is an error). Writes the per-step train loss
/// and the per-epoch metrics (see <see cref="MetricRow"/>) to the sink as they happen. A run that diverges is
/// recorded as such and the comparison goes on.
/// </summary>
public sealed class ExperimentRunner(Experiment experiment, Problem problem, ProblemData data, IMetricSink sink)
{
    /// <summary>Runs every (seed, optimizer) pair; returns the outcomes in the order run.</summary>
    public IReadOnlyList<RunOutcome> Run(ICompareObserver? observer = null)
    {
        experiment.Validate();
        observer ??= new NullObserver();
        bool hasAccuracy = problem is not ILossOnlyProblem;
        var outcomes = new List<RunOutcome>();
        int index = 0;
        foreach (ulong seed in experiment.Seeds)
        {
            (double Sum, ulong Hash)? seedInit = null;
            ulong? seedBatches = null;
            foreach (var entry in experiment.Optimizers)
            {
                var recording = new RecordingProblem(problem, hasAccuracy);
                var trainer = new Trainer(recording, data, entry.Spec, experiment.TrainingOptions(seed));
                var init = Fingerprint(trainer);
                if (seedInit is { } expected && expected != init)
                    throw new InvalidOperationException($"optimizer '{entry.Label}' does not start from the same weights as the others for seed {seed}");
                seedInit = init;
                var run = new RunInfo(++index, experiment.RunCount, entry.Label, entry.Spec, seed, experiment.Epochs, trainer.BatchesPerEpoch);
                var outcome = RunOne(run, recording, trainer, hasAccuracy, observer);
                if (!outcome.Diverged)
                {
                    if (seedBatches is { } batches && batches != recording.LabelHash)
                        throw new InvalidOperationException($"optimizer '{entry.Label}' did not see the same minibatches as the others for seed {seed}");
                    seedBatches = recording.LabelHash;
                }
                outcomes.Add(outcome);
                observer.RunFinished(outcome);
            }
        }
        return outcomes;
    }

    private RunOutcome RunOne(RunInfo run, RecordingProblem recording, Trainer trainer, bool hasAccuracy, ICompareObserver observer)
    {
        observer.RunStarted(run);
        var clock = Stopwatch.StartNew();
        var epochs = new List<EpochSummary>();
        void Row(string scope, int epoch, long step, string split, string metric, double value) =>
            sink.Write(new MetricRow(problem.Name, run.Label, run.Seed, scope, epoch, step, split, metric, value, clock.Elapsed.TotalSeconds));

        var (initialLoss, initialAccuracy) = Evaluation.Run(problem, trainer.Model, trainer.Data.Test, experiment.EvalBatchSize);
        Row(MetricRow.EpochScope, 0, 0, "test", "loss", initialLoss);
        if (hasAccuracy) Row(MetricRow.EpochScope, 0, 0, "test", "accuracy", initialAccuracy);
        Row(MetricRow.EpochScope, 0, 0, "", "lr", trainer.Optimizer.ParamGroups[0].Options.Lr);

        int perEpoch = trainer.BatchesPerEpoch;
        long lastStep = 0;
        for (int epoch = 1; epoch <= experiment.Epochs; epoch++)
        {
            recording.TakeAccuracy();
            EpochResult result;
            try
            {
                result = trainer.RunEpoch(epoch, (e, done) =>
                {
                    long step = (long)(e - 1) * perEpoch + done;
                    lastStep = step;
                    Row(MetricRow.StepScope, e, step, "train", "loss", recording.LastLoss);
                    observer.StepDone(run, e, done, recording.LastLoss);
                });
            }
            catch (TrainingDivergedException e)
            {
                Row(MetricRow.EpochScope, epoch, lastStep + 1, "train", "diverged", 1);
                return new RunOutcome(run, epochs, e.Message);
            }
            double trainAccuracy = hasAccuracy ? recording.TakeAccuracy() : double.NaN;
            long stepsDone = (long)epoch * perEpoch;
            Row(MetricRow.EpochScope, epoch, stepsDone, "train", "loss", result.TrainLoss);
            if (hasAccuracy) Row(MetricRow.EpochScope, epoch, stepsDone, "train", "accuracy", trainAccuracy);
            Row(MetricRow.EpochScope, epoch, stepsDone, "test", "loss", result.TestLoss);
            if (hasAccuracy) Row(MetricRow.EpochScope, epoch, stepsDone, "test", "accuracy", result.TestAccuracy);
            Row(MetricRow.EpochScope, epoch, stepsDone, "", "lr", result.Lr);
            Row(MetricRow.EpochScope, epoch, stepsDone, "train", "seconds", result.Seconds);
            var summary = new EpochSummary(epoch, stepsDone, result.TrainLoss, trainAccuracy, result.TestLoss,
                hasAccuracy ? result.TestAccuracy : double.NaN, result.Lr, result.Seconds, clock.Elapsed.TotalSeconds);
            epochs.Add(summary);
            observer.EpochDone(run, summary);
        }
        return new RunOutcome(run, epochs, null);
    }

    /// <summary>The sum and a hash of the initial parameters' bits.</summary>
    private static (double Sum, ulong Hash) Fingerprint(Trainer trainer)
    {
        double sum = 0;
        ulong hash = 14695981039346656037UL;
        foreach (var p in trainer.Model.NamedParameters())
        {
            foreach (float v in p.Value.Span)
            {
                sum += v;
                hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
            }
        }
        return (sum, hash);
    }

    private sealed class NullObserver : ICompareObserver;
}
