namespace Descent.Lab.Tuning;

/// <summary>
/// Decides after each epoch whether a running trial stops early, from the intermediate values every worker stored
/// (so pruning works across workers and machines).
/// </summary>
public interface IPruner
{
    /// <summary>Whether <paramref name="trial"/>, which just stored epoch <paramref name="epoch"/> of its <paramref name="maxEpochs"/>, stops; <paramref name="trials"/> are the study's trials.</summary>
    bool ShouldPrune(TrialRecord trial, int epoch, int maxEpochs, IReadOnlyList<TrialRecord> trials);
}

/// <summary>Builds the pruner a study names.</summary>
public static class Pruners
{
    /// <summary>The pruner of <paramref name="definition"/>, or null for none.</summary>
    public static IPruner? For(StudyDefinition definition) => definition.Pruner switch
    {
        "none" => null,
        "median" => new MedianPruner(definition.Objective),
        "asha" => new AshaPruner(definition.Objective),
        "hyperband" => new HyperbandPruner(definition.Objective, definition.MaxEpochs),
        _ => throw new ArgumentException($"unknown pruner '{definition.Pruner}'"),
    };
}

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

/// <summary>
/// Asynchronous successive halving (Li et al. 2020, ASHA), Optuna's SuccessiveHalvingPruner: rungs at
/// <see cref="MinResource"/> · η^(s + k) epochs (η = <see cref="ReductionFactor"/> = 4, s = the early-stopping rate,
/// 0 unless in a Hyperband bracket); a trial reaching a rung continues only when its value there is among the best
/// ⌊n/η⌋ (at least the best one) of the n trials that reached that rung so far.
/// </summary>
public sealed class AshaPruner(Objective objective, int earlyStoppingRate = 0, Func<TrialRecord, bool>? competes = null) : IPruner
{
    /// <summary>The reduction factor η.</summary>
    public const int ReductionFactor = 4;

    /// <summary>The smallest resource: one epoch.</summary>
    public const int MinResource = 1;

    /// <summary>Whether <paramref name="epoch"/> is a rung.</summary>
    public bool IsRung(int epoch)
    {
        for (long r = MinResource * (long)Math.Pow(ReductionFactor, earlyStoppingRate); r <= epoch; r *= ReductionFactor)
            if (r == epoch) return true;
        return false;
    }

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, int epoch, int maxEpochs, IReadOnlyList<TrialRecord> trials)
    {
        if (epoch >= maxEpochs || !IsRung(epoch) || !trial.Intermediate.TryGetValue(epoch, out double mine)) return false;
        var competing = trials.Where(t => t.Number != trial.Number && (competes?.Invoke(t) ?? true) && t.Intermediate.ContainsKey(epoch))
            .Select(t => objective.Loss(t.Intermediate[epoch])).Append(objective.Loss(mine)).Order().ToList();
        int promotable = Math.Max(1, competing.Count / ReductionFactor);
        return objective.Loss(mine) > competing[promotable - 1];
    }
}

/// <summary>
/// Hyperband (Li et al. 2018) as Optuna runs it: brackets s = 0 … s_max with s_max = ⌊log_η(max epochs)⌋, each an
/// <see cref="AshaPruner"/> with early-stopping rate s whose trials compete only among themselves; trial N goes to
/// bracket N mod (s_max + 1).
/// </summary>
public sealed class HyperbandPruner : IPruner
{
    private readonly AshaPruner[] _brackets;

    /// <summary>Brackets for trials of up to <paramref name="maxEpochs"/> epochs.</summary>
    public HyperbandPruner(Objective objective, int maxEpochs)
    {
        int sMax = 0;
        while (Math.Pow(AshaPruner.ReductionFactor, sMax + 1) * AshaPruner.MinResource <= maxEpochs) sMax++;
        _brackets = new AshaPruner[sMax + 1];
        for (int s = 0; s <= sMax; s++)
        {
            int bracket = s;
            _brackets[s] = new AshaPruner(objective, s, t => Bracket(t.Number) == bracket);
        }
    }

    /// <summary>The bracket of trial <paramref name="number"/>.</summary>
    public int Bracket(int number) => number % _brackets.Length;

    /// <inheritdoc/>
    public bool ShouldPrune(TrialRecord trial, int epoch, int maxEpochs, IReadOnlyList<TrialRecord> trials) =>
        _brackets[Bracket(trial.Number)].ShouldPrune(trial, epoch, maxEpochs, trials);
}
