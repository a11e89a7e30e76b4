using System.Text.Json.Nodes;

namespace Descent.Lab.Tuning;

/// <summary>
/// One trial as stored: its number in the study (from 0), state, sampled parameters, value (null until it is complete
/// or pruned), the intermediate value of each epoch reported so far, and how many times a worker started it.
/// </summary>
public sealed record TrialRecord
{
    /// <summary>The store's id of the trial.</summary>
    public required long Id { get; init; }

    /// <summary>The trial's number within its study, from 0: the order in which trials were created.</summary>
    public required int Number { get; init; }

    /// <summary>Its state.</summary>
    public required TrialState State { get; init; }

    /// <summary>The sampled parameters: name → number or text.</summary>
    public required IReadOnlyDictionary<string, ParameterValue> Params { get; init; }

    /// <summary>The objective (mean over seeds); for a pruned trial, its last intermediate value; null otherwise.</summary>
    public double? Value { get; init; }

    /// <summary>The intermediate objective after each epoch reported so far (epoch → value).</summary>
    public IReadOnlyDictionary<int, double> Intermediate { get; init; } = new Dictionary<int, double>();

    /// <summary>How many times a worker claimed it (1 for a trial that ran once; more after a retry).</summary>
    public int Attempt { get; init; }

    /// <summary>The worker that holds or last held it.</summary>
    public string? Worker { get; init; }

    /// <summary>Why it failed or was retried, or null.</summary>
    public string? Message { get; init; }

    /// <summary>Seconds the finished trial took, from its first claim to its end (null while unfinished).</summary>
    public double? Seconds { get; init; }

    /// <summary>The parameters as a JSON object.</summary>
    public JsonObject ParamsJson() => ParameterValue.ToJson(Params);
}
