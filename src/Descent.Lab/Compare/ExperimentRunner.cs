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
/// initial weights or random generator differ from the seed's first run is an error). Writes the per-step train
/// loss and the per-epoch metrics (see <see cref="MetricRecorder"/>) to the sink as they happen. A run that
/// diverges is recorded as such and the comparison goes on.
/// </summary>
/// <remarks>
/// With <see cref="ComparisonCheckpoints"/>, every run writes checkpoints as it trains and a marker when it ends;
/// <paramref name="resume"/> then skips the runs that ended and continues the interrupted one from its newest
/// checkpoint, so that a killed comparison, resumed, writes the rows an uninterrupted one would (the sink must hold
/// the rows <see cref="ComparisonCheckpoints.KeepsRow"/> keeps).
/// </remarks>
public sealed class ExperimentRunner(Experiment experiment, Problem problem, ProblemData data, IMetricSink sink,
    ComparisonCheckpoints? checkpoints = null, bool resume = false)
{
    /// <summary>Runs every (seed, optimizer) pair; returns the outcomes in the order run.</summary>
    public IReadOnlyList<RunOutcome> Run(ICompareObserver? observer = null)
    {
        experiment.Validate();
        if (resume && checkpoints is null) throw new InvalidOperationException("resuming a comparison needs its checkpoints");
        observer ??= new NullObserver();
        var outcomes = new List<RunOutcome>();
        int index = 0;
        foreach (ulong seed in experiment.Seeds)
        {
            RunStart? seedStart = null;
            foreach (var entry in experiment.Optimizers)
            {
                var trainer = new Trainer(problem, data, entry.Spec, experiment.TrainingOptions(seed, entry));
                var start = RunStart.Of(trainer);
                if (seedStart is { } expected && expected != start)
                    throw new InvalidOperationException($"optimizer '{entry.Label}' does not start from the same weights and data order as the others for seed {seed}");
                seedStart = start;
                var run = new RunInfo(++index, experiment.RunCount, entry.Label, entry.Spec, seed, experiment.Epochs, trainer.BatchesPerEpoch);
                var outcome = RunOne(run, entry, trainer, observer);
                outcomes.Add(outcome);
                observer.RunFinished(outcome);
            }
        }
        return outcomes;
    }

    private RunOutcome RunOne(RunInfo run, OptimizerEntry entry, Trainer trainer, ICompareObserver observer)
    {
        var policy = checkpoints?.PolicyFor(run.Index, trainer.BatchesPerEpoch);
        if (resume)
        {
            if (checkpoints!.EndOf(run.Index) is { } end)
            {
                checkpoints.RemoveCheckpoints(run.Index);
                return new RunOutcome(run, [], end.Diverged ? end.Message ?? "diverged" : null);
            }
            policy!.ResumeLatest(trainer);
        }
        policy?.Prepare(trainer);
        observer.RunStarted(run);
        var recorder = new MetricRecorder(run, problem.Name, entry.Schedules.Count > 0, sink, observer);
        string? divergence = null;
        try
        {
            if (policy is null) trainer.Run(recorder);
            else trainer.Run(recorder, policy);
        }
        catch (TrainingDivergedException e)
        {
            divergence = e.Message;
        }
        checkpoints?.MarkEnded(run.Index, new RunEnd(divergence is not null, divergence));
        var epochs = trainer.History.Take(trainer.History.Count - recorder.Epochs.Count)
            .Select(r => MetricRecorder.Summarize(r, (long)r.Epoch * trainer.BatchesPerEpoch, double.NaN)).Concat(recorder.Epochs).ToList();
        return new RunOutcome(run, epochs, divergence);
    }

    /// <summary>What every optimizer of a seed must share: the initial weights' bits and the generator that orders the batches.</summary>
    private readonly record struct RunStart(ulong WeightsHash, RngState Rng)
    {
        public static RunStart Of(Trainer trainer)
        {
            ulong hash = 14695981039346656037UL;
            foreach (var p in trainer.Model.NamedParameters())
                foreach (float v in p.Value.Span)
                    hash = (hash ^ BitConverter.SingleToUInt32Bits(v)) * 1099511628211UL;
            return new RunStart(hash, trainer.CaptureState().Rng);
        }
    }

    private sealed class NullObserver : ICompareObserver;
}
