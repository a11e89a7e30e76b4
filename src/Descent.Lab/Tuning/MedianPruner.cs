namespace Descent.Lab.Tuning;

/// <summary>
/// The median stopping rule (Golovin et al. 2017, Optuna's MedianPruner defaults): after <see cref="StartupTrials"/>
/// complete trials, a trial stops when its best value so far is worse than the median of the complete trials' values
/// at the same epoch.
/// </summary>
public sealed class MedianPruner(Objective objective) : IPruner
{
    /// <summary>Complete trials needed before anything is pruned.</summary>
    public const int StartupTrials = 5;

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, int epoch, int maxEpochs, IReadOnlyList<TrialRecord> trials)
    {
        if (epoch >= maxEpochs) return false;
        var complete = trials.Where(t => t.State == TrialState.Complete && t.Number != trial.Number).ToList();
        if (complete.Count < StartupTrials) return false;
        var at = complete.Where(t => t.Intermediate.ContainsKey(epoch)).Select(t => objective.Loss(t.Intermediate[epoch])).Order().ToList();
        if (at.Count == 0) return false;
        double median = at.Count % 2 == 1 ? at[at.Count / 2] : (at[at.Count / 2 - 1] + at[at.Count / 2]) / 2;
        double best = trial.Intermediate.Where(kv => kv.Key <= epoch).Select(kv => objective.Loss(kv.Value)).DefaultIfEmpty(double.NaN).Min();
        return !double.IsNaN(best) && best > median;
    }
}
