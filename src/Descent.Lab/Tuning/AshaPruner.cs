namespace Descent.Lab.Tuning;

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
