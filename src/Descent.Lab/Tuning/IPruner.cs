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
