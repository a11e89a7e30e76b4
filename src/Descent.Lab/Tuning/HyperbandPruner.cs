namespace Descent.Lab.Tuning;

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
