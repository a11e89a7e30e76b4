namespace Descent.Lab.Tuning;

/// <summary>Independent uniform draws (log-uniform for a log range), as in "Descending through a Crowded Valley"'s random-search budgets.</summary>
public sealed class RandomSampler(SearchSpace space, ulong seed) : ISampler
{
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int number)
    {
        var rng = Samplers.RandomFor(seed, number);
        var units = Enumerable.Range(0, Samplers.Dimensions(space)).Select(_ => rng.NextDouble()).ToArray();
        return Samplers.FromUnits(space, d => units[d]);
    }
}
