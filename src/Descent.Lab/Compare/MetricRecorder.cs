using System.Diagnostics;
using Descent.Lab.Training;
using Descent.Optim;

namespace Descent.Lab.Compare;

/// <summary>
/// Writes one run's <see cref="MetricRow"/>s as the trainer reports them: per step the minibatch's train loss (and,
/// when the run has schedules, the learning rate and momentum after the step); per epoch train loss and accuracy,
/// test loss and accuracy, lr, momentum (for optimizers that have one: SGD's and RMSprop's momentum, Adam's β₁) and
/// the epoch's training seconds; epoch 0 holds the evaluation before training. A divergence is a "diverged" row at
/// the step that diverged.
/// </summary>
internal sealed class MetricRecorder(RunInfo run, string problem, bool scheduled, IMetricSink sink, ICompareObserver observer) : ITrainingObserver
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly List<EpochSummary> _epochs = [];

    /// <summary>The epochs recorded by this recorder (after a resume: those trained since).</summary>
    public IReadOnlyList<EpochSummary> Epochs => _epochs;

    public void StepDone(Trainer trainer, in TrainingStep step)
    {
        Row(MetricRow.StepScope, step.Epoch, step.GlobalStep, "train", "loss", step.Loss);
        if (scheduled)
        {
            Row(MetricRow.StepScope, step.Epoch, step.GlobalStep, "", "lr", trainer.Optimizer.ParamGroups[0].Options.Lr);
            if (Momentum(trainer.Optimizer) is double m) Row(MetricRow.StepScope, step.Epoch, step.GlobalStep, "", "momentum", m);
        }
        observer.StepDone(run, step.Epoch, step.Batch, step.Loss);
    }

    public void Evaluated(Trainer trainer, EvaluationResult evaluation)
    {
        if (evaluation.Epoch != 0) return;   // the epochs' evaluations are written with their other rows
        Row(MetricRow.EpochScope, 0, 0, "test", "loss", evaluation.Loss);
        if (double.IsFinite(evaluation.Accuracy)) Row(MetricRow.EpochScope, 0, 0, "test", "accuracy", evaluation.Accuracy);
        Hyper(trainer, 0, 0);
    }

    public void EpochDone(Trainer trainer, EpochResult result)
    {
        long step = trainer.GlobalStep;
        int epoch = result.Epoch;
        Row(MetricRow.EpochScope, epoch, step, "train", "loss", result.TrainLoss);
        if (double.IsFinite(result.TrainAccuracy)) Row(MetricRow.EpochScope, epoch, step, "train", "accuracy", result.TrainAccuracy);
        Row(MetricRow.EpochScope, epoch, step, "test", "loss", result.TestLoss);
        if (double.IsFinite(result.TestAccuracy)) Row(MetricRow.EpochScope, epoch, step, "test", "accuracy", result.TestAccuracy);
        Hyper(trainer, epoch, step);
        Row(MetricRow.EpochScope, epoch, step, "train", "seconds", result.Seconds);
        var summary = Summarize(result, step, _clock.Elapsed.TotalSeconds);
        _epochs.Add(summary);
        observer.EpochDone(run, summary);
    }

    public void Diverged(Trainer trainer, TrainingDivergedException exception) =>
        Row(MetricRow.EpochScope, exception.Epoch ?? trainer.NextEpoch, exception.Step ?? trainer.GlobalStep + 1, "train", "diverged", 1);

    /// <summary>An epoch's results as a comparison reports them.</summary>
    public static EpochSummary Summarize(EpochResult r, long step, double elapsed) =>
        new(r.Epoch, step, r.TrainLoss, r.TrainAccuracy, r.TestLoss, r.TestAccuracy, r.Lr, r.Seconds, elapsed);

    private void Hyper(Trainer trainer, int epoch, long step)
    {
        Row(MetricRow.EpochScope, epoch, step, "", "lr", trainer.Optimizer.ParamGroups[0].Options.Lr);
        if (Momentum(trainer.Optimizer) is double m) Row(MetricRow.EpochScope, epoch, step, "", "momentum", m);
    }

    /// <summary>The first group's momentum factor, or β₁ for Adam-style optimizers; null when it has neither.</summary>
    private static double? Momentum(Optimizer optimizer) => optimizer.ParamGroups[0].Options switch
    {
        IMomentumOptions m => m.Momentum,
        IBetaOptions b => b.Beta1,
        _ => null,
    };

    private void Row(string scope, int epoch, long step, string split, string metric, double value) =>
        sink.Write(new MetricRow(problem, run.Label, run.Seed, scope, epoch, step, split, metric, value, _clock.Elapsed.TotalSeconds));
}
