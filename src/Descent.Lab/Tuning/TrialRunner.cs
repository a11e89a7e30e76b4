using System.Globalization;
using Descent.Lab.Problems;
using Descent.Lab.Training;

namespace Descent.Lab.Tuning;

/// <summary>How a trial's training ended.</summary>
/// <param name="State">Complete, pruned or failed; running when it was abandoned (the lease was lost).</param>
/// <param name="Value">The objective (mean over seeds), or the last intermediate value of a pruned trial.</param>
/// <param name="Message">Why it failed, or null.</param>
public sealed record TrialOutcome(TrialState State, double? Value, string? Message);

/// <summary>
/// Trains one trial: a <see cref="Trainer"/> per seed (seeds 0 … N−1), run in lockstep epoch by epoch so the
/// intermediate value of an epoch is the mean over seeds. After every epoch but the last, once the epoch's value is
/// stored and the pruner let the trial go on, each seed's run checkpoints into <c>CHECKPOINTS/trial-NNNNN/seed-S</c>
/// (the newest kept), so a retried trial resumes from its last epoch bit-identically instead of starting over. The
/// last epoch and a pruned one write nothing: the trial ends there and its checkpoints are deleted.
/// </summary>
public sealed class TrialRunner
{
    private readonly StudyDefinition _study;
    private readonly string _checkpoints;
    private readonly Problem _problem;
    private readonly Lazy<ProblemData> _data;

    /// <summary>Runs trials of <paramref name="study"/>, checkpointing under <paramref name="checkpoints"/>.</summary>
    public TrialRunner(StudyDefinition study, string checkpoints)
    {
        _study = study;
        _checkpoints = checkpoints;
        _problem = ProblemCatalog.Get(study.Problem);
        _data = new Lazy<ProblemData>(() => _problem.LoadData(study.DataDirectory));
    }

    /// <summary>The checkpoint directory of trial <paramref name="number"/>.</summary>
    public string DirectoryOf(int number) => Path.Combine(_checkpoints, "trial-" + number.ToString("D5", CultureInfo.InvariantCulture));

    /// <summary>
    /// Trains <paramref name="trial"/> to its budget. After every epoch <paramref name="epochDone"/> gets the epoch and
    /// its intermediate value and answers whether to stop (pruned); <paramref name="abandon"/> is checked after every
    /// step (the lease was lost: the trial is left as it is).
    /// </summary>
    public TrialOutcome Run(TrialRecord trial, Func<int, double, bool> epochDone, Func<bool> abandon)
    {
        int epochs = _study.EpochsOf(trial.Params);
        var spec = _study.Space.OptimizerFor(trial.Params);
        var runs = new List<(Trainer Trainer, CheckpointPolicy Policy)>();
        for (int s = 0; s < _study.Seeds; s++)
        {
            var trainer = new Trainer(_problem, _data.Value, spec, _study.OptionsFor(trial.Params, (ulong)s));
            // Saved explicitly below, never as an observer: not within an epoch, not at the end of the run.
            var policy = new CheckpointPolicy(new CheckpointDirectory(Path.Combine(DirectoryOf(trial.Number), "seed-" + s.ToString(CultureInfo.InvariantCulture)), keep: 1), every: null);
            if (epochs > 1) policy.Prepare(trainer);
            policy.ResumeLatest(trainer);
            runs.Add((trainer, policy));
        }
        var stop = new StopObserver(abandon);
        double last = double.NaN;
        // A checkpoint of epoch E is written only after E's value was stored and judged by the pruner, so the epochs
        // every seed had finished before a retry were reported by the earlier attempt.
        int firstNew = runs.Min(r => r.Trainer.History.Count) + 1;
        var saved = runs.Select(r => r.Trainer.History.Count).ToArray();
        try
        {
            for (int epoch = 1; epoch <= epochs; epoch++)
            {
                foreach (var (trainer, _) in runs)
                    if (trainer.NextEpoch <= epoch)
                    {
                        trainer.RunThrough(epoch, stop);
                        if (stop.Stopped) return new TrialOutcome(TrialState.Running, null, "abandoned: the lease was lost");
                    }
                last = runs.Average(r => _study.Objective.Read(r.Trainer.History[epoch - 1]));
                if (epoch >= firstNew && epochDone(epoch, last)) return new TrialOutcome(TrialState.Pruned, last, $"pruned after epoch {epoch}");
                if (epoch == epochs) break;
                for (int s = 0; s < runs.Count; s++)
                    if (saved[s] < epoch)
                    {
                        runs[s].Policy.Save(runs[s].Trainer);
                        saved[s] = epoch;
                    }
            }
        }
        catch (TrainingDivergedException e)
        {
            return new TrialOutcome(TrialState.Failed, null, "diverged: " + e.Message.ReplaceLineEndings(" "));
        }
        double value = runs.Average(r => _study.Objective.Of(r.Trainer.History));
        return double.IsFinite(value)
            ? new TrialOutcome(TrialState.Complete, value, null)
            : new TrialOutcome(TrialState.Failed, null, $"the objective {_study.Objective.Metric} is not finite");
    }

    /// <summary>Deletes the checkpoints of a finished trial (best effort).</summary>
    public void Clean(int number)
    {
        try { if (Directory.Exists(DirectoryOf(number))) Directory.Delete(DirectoryOf(number), recursive: true); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    private sealed class StopObserver(Func<bool> abandon) : ITrainingObserver
    {
        public bool Stopped { get; private set; }

        public void StepDone(Trainer trainer, in TrainingStep step)
        {
            if (abandon())
            {
                Stopped = true;
                trainer.RequestStop();
            }
        }
    }
}
