using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Descent.Lab.Surfaces;
using Descent.Lab.Training;

namespace Descent.Lab.Compare;

/// <summary>
/// A comparison: one problem, several optimizers, a budget and the seeds. For each seed every optimizer starts from
/// the same initial weights and sees the same minibatches in the same order (the trainer draws both from one
/// generator seeded with the seed, and no optimizer draws from it).
/// </summary>
public sealed partial record Experiment
{
    /// <summary>The run's name: its directory under the runs root (letters, digits, '.', '_', '-').</summary>
    public required string Name { get; init; }

    /// <summary>The problem's catalog name, such as "fmnist-mlp".</summary>
    public required string Problem { get; init; }

    /// <summary>The optimizers, each with a distinct label.</summary>
    public required IReadOnlyList<OptimizerEntry> Optimizers { get; init; }

    /// <summary>Passes over the training set (≥ 1).</summary>
    public int Epochs { get; init; } = 10;

    /// <summary>Samples per minibatch (≥ 1).</summary>
    public int BatchSize { get; init; } = 128;

    /// <summary>Samples per batch when evaluating (≥ 1).</summary>
    public int EvalBatchSize { get; init; } = 1000;

    /// <summary>The seeds (distinct); each optimizer runs once per seed.</summary>
    public IReadOnlyList<ulong> Seeds { get; init; } = [0];

    /// <summary>Use only the first N training samples when set.</summary>
    public int? TrainLimit { get; init; }

    /// <summary>Use only the first N test samples when set.</summary>
    public int? TestLimit { get; init; }

    /// <summary>The data directory (null: the problem's default locations).</summary>
    public string? DataDirectory { get; init; }

    /// <summary>2-D surfaces whose landscape pictures (the compared optimizers' paths, see <see cref="Surfaces.LandscapePresets.ForComparison"/>) go into the report.</summary>
    public IReadOnlyList<string> Landscapes { get; init; } = [];

    /// <summary>Steps of each optimizer on each landscape.</summary>
    public int LandscapeSteps { get; init; } = 300;

    /// <summary>The most seeds an experiment may have (each one trains every optimizer once).</summary>
    public const int MaxSeeds = 10_000;

    /// <summary>Runs in the experiment: seeds × optimizers.</summary>
    public int RunCount => Seeds.Count * Optimizers.Count;

    /// <summary>Throws an <see cref="ArgumentException"/> naming the first invalid setting.</summary>
    public void Validate()
    {
        if (!NamePattern().IsMatch(Name) || Name is "." or "..")
            throw new InvalidOptionException("name", Name, "use letters, digits, '.', '_' and '-' (it names a directory)");
        if (Optimizers.Count == 0) throw new InvalidOptionException("optimizers", null, "no optimizers to compare");
        foreach (var o in Optimizers)
        {
            try { OptimizerEntry.CheckLabel(o.Label); }
            catch (ArgumentException e) { throw new InvalidOptionException("optimizers", null, InvalidOptionException.ReasonOf(e)); }
        }
        var duplicate = Optimizers.GroupBy(o => o.Label, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new InvalidOptionException("optimizers", null, $"two optimizers are labelled '{duplicate.Key}'");
        if (Seeds.Count == 0) throw new InvalidOptionException("seeds", 0, "must be at least 1");
        if (Seeds.Count > MaxSeeds) throw new InvalidOptionException("seeds", Seeds.Count, $"at most {MaxSeeds} seeds");
        if (Seeds.Distinct().Count() != Seeds.Count) throw new InvalidOptionException("seeds", null, "the seeds must be distinct");
        if (LandscapeSteps is < 1 or > Surfaces.SurfaceDescent.MaxSteps) throw new InvalidOptionException("landscape_steps", LandscapeSteps, $"must be from 1 to {Surfaces.SurfaceDescent.MaxSteps}");
        foreach (string surface in Landscapes)
        {
            try { SurfaceCatalog.Get(surface); }
            catch (ArgumentException e) { throw new InvalidOptionException("landscapes", surface, InvalidOptionException.ReasonOf(e)); }
        }
        TrainingOptions(Seeds[0], Optimizers[0]).Validate();
    }

    /// <summary>The trainer's options for one run: a seed and an entry (whose schedules it takes).</summary>
    public TrainingOptions TrainingOptions(ulong seed, OptimizerEntry entry) => new()
    {
        Schedules = entry.Schedules,
        EvaluateAtStart = true,
        Epochs = Epochs,
        BatchSize = BatchSize,
        EvalBatchSize = EvalBatchSize,
        Seed = seed,
        TrainLimit = TrainLimit,
        TestLimit = TestLimit,
    };

    /// <summary>The experiment as JSON, in the format <see cref="ExperimentFile.Parse(string, string)"/> reads back.</summary>
    public JsonObject ToJson()
    {
        var optimizers = new JsonArray();
        foreach (var o in Optimizers)
        {
            var options = new JsonObject();
            foreach (var (key, value) in o.Spec.Options) options[key] = ExperimentFile.ToJsonValue(value);
            var item = new JsonObject { ["label"] = o.Label, ["optimizer"] = o.Spec.Name, ["options"] = options };
            if (o.Schedules.Count > 0) item["schedules"] = new JsonArray([.. o.Schedules.Select(s => JsonValue.Create(s.ToString()))]);
            optimizers.Add(item);
        }
        return new JsonObject
        {
            ["name"] = Name,
            ["problem"] = Problem,
            ["epochs"] = Epochs,
            ["batch_size"] = BatchSize,
            ["eval_batch_size"] = EvalBatchSize,
            ["seeds"] = new JsonArray([.. Seeds.Select(s => JsonValue.Create(s))]),
            ["train_limit"] = TrainLimit,
            ["test_limit"] = TestLimit,
            ["data"] = DataDirectory,
            ["optimizers"] = optimizers,
            ["landscapes"] = new JsonArray([.. Landscapes.Select(l => JsonValue.Create(l))]),
            ["landscape_steps"] = LandscapeSteps,
        };
    }

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]*$")]
    private static partial Regex NamePattern();
}
