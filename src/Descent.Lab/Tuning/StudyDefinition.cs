using System.Text.Json.Nodes;
using Descent.Lab.Training;

namespace Descent.Lab.Tuning;

/// <summary>
/// A hyper-parameter study as a study file defines it (<see cref="StudyFile"/>): what to train, what to search, how
/// to judge a trial and how many trials to run. Two workers join the same study only when their definitions are equal
/// (<see cref="DifferencesFrom"/>).
/// </summary>
public sealed record StudyDefinition
{
    /// <summary>The study's name (the run directory and the store's key).</summary>
    public required string Name { get; init; }

    /// <summary>The problem (<see cref="Problems.ProblemCatalog"/>).</summary>
    public required string Problem { get; init; }

    /// <summary>Epochs per trial, unless searched: the budget of a trial, and the resource of the pruners.</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per minibatch, unless searched.</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Samples per evaluation batch.</summary>
    public int EvalBatchSize { get; init; } = 1000;

    /// <summary>Use only the first N training samples.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first N test samples.</summary>
    public int? TestLimit { get; init; }

    /// <summary>Where the problem's data is (null: its usual places).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>What a trial is judged by.</summary>
    public required Objective Objective { get; init; }

    /// <summary>Seeds per trial (0 … N−1, the same for every trial); the objective is their mean.</summary>
    public int Seeds { get; init; } = 1;

    /// <summary>The searched space.</summary>
    public required SearchSpace Space { get; init; }

    /// <summary>The sampler: grid, random, quasi_random or tpe.</summary>
    public string Sampler { get; init; } = "tpe";

    /// <summary>The pruner: none, median, asha or hyperband.</summary>
    public string Pruner { get; init; } = "none";

    /// <summary>How many trials the study runs (complete, pruned and failed ones count).</summary>
    public int Trials { get; init; } = 50;

    /// <summary>The sampler's seed.</summary>
    public ulong SamplerSeed { get; init; }

    /// <summary>The canonical JSON of the definition: what the store keeps, and what joining workers compare.</summary>
    public required JsonObject Json { get; init; }

    /// <summary>The epochs of a trial with <paramref name="values"/>.</summary>
    public int EpochsOf(IReadOnlyDictionary<string, ParameterValue> values) => SearchSpace.TrainingValue(values, "epochs", Epochs);

    /// <summary>The largest epoch budget any trial can have (the pruners' maximum resource).</summary>
    public int MaxEpochs => Space.Branches.SelectMany(b => b.Parameters).Where(p => p.Name == "epochs")
        .Select(p => p.Kind == ParameterKind.Choice ? (int)p.Choices.Max(c => c.Number) : (int)p.High).DefaultIfEmpty(Epochs).Max();

    /// <summary>The training options of a trial's run with <paramref name="seed"/>.</summary>
    public TrainingOptions OptionsFor(IReadOnlyDictionary<string, ParameterValue> values, ulong seed) => new()
    {
        Epochs = EpochsOf(values),
        BatchSize = SearchSpace.TrainingValue(values, "batch_size", BatchSize),
        EvalBatchSize = EvalBatchSize,
        Seed = seed,
        TrainLimit = TrainLimit,
        TestLimit = TestLimit,
    };

    /// <summary>
    /// What differs between this definition and <paramref name="stored"/> (the study's in the store), one line per
    /// key, such as "space.lr: the stored study has {"log_uniform":[1e-5,0.1]}, this file {"log_uniform":[1e-4,0.1]}".
    /// The number of trials may differ (a later run may extend the budget).
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(JsonObject stored)
    {
        var result = new List<string>();
        Compare("", Json, stored, result);
        return result;
    }

    private static void Compare(string path, JsonNode? mine, JsonNode? theirs, List<string> result)
    {
        if (mine is JsonObject a && theirs is JsonObject b)
        {
            foreach (var key in a.Select(p => p.Key).Union(b.Select(p => p.Key)).Order(StringComparer.Ordinal))
                if (!(path == "" && key == "trials")) Compare(path == "" ? key : $"{path}.{key}", a[key], b[key], result);
            return;
        }
        string x = mine?.ToJsonString() ?? "(absent)", y = theirs?.ToJsonString() ?? "(absent)";
        if (x != y) result.Add($"{path}: the stored study has {y}, this file {x}");
    }
}
