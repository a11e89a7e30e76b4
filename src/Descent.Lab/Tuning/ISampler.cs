namespace Descent.Lab.Tuning;

/// <summary>
/// Draws the parameters of a new trial from the study's trials so far. A sampler is deterministic: the same seed,
/// trials and number give the same parameters, so a study run by one worker is reproducible trial for trial.
/// </summary>
public interface ISampler
{
    /// <summary>The parameters of trial <paramref name="number"/>, given the study's <paramref name="trials"/> (all states).</summary>
    IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int number);
}

/// <summary>Builds the sampler a study names.</summary>
public static class Samplers
{
    /// <summary>The sampler of <paramref name="definition"/>.</summary>
    public static ISampler For(StudyDefinition definition) => definition.Sampler switch
    {
        "grid" => new GridSampler(definition.Space),
        "random" => new RandomSampler(definition.Space, definition.SamplerSeed),
        "quasi_random" => new QuasiRandomSampler(definition.Space, definition.SamplerSeed),
        "tpe" => new TpeSampler(definition.Space, definition.Objective, definition.SamplerSeed),
        _ => throw new ArgumentException($"unknown sampler '{definition.Sampler}'"),
    };

    /// <summary>A generator for trial <paramref name="number"/> of a study seeded <paramref name="seed"/> (the same every time).</summary>
    internal static Random RandomFor(ulong seed, int number, int salt = 0) =>
        new((int)(Mix(seed ^ Mix((ulong)number * 0x9E3779B97F4A7C15UL + (ulong)salt)) & 0x7FFFFFFF));

    /// <summary>SplitMix64's finalizer.</summary>
    internal static ulong Mix(ulong z)
    {
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Draws every parameter of a trial from unit coordinates: the optimizer first (when chosen), then its branch's parameters.</summary>
    internal static Dictionary<string, ParameterValue> FromUnits(SearchSpace space, Func<int, double> unit)
    {
        var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        var branch = space.Branches[0];
        if (space.ChoosesOptimizer)
        {
            var o = space.OptimizerChoice.FromUnit(unit(0));
            values[SearchSpace.OptimizerKey] = o;
            branch = space.BranchOf(values);
        }
        int offset = 1 + space.Branches.TakeWhile(b => b != branch).Sum(b => b.Parameters.Count);
        for (int i = 0; i < branch.Parameters.Count; i++) values[branch.Parameters[i].Name] = branch.Parameters[i].FromUnit(unit(offset + i));
        return values;
    }

    /// <summary>Dimensions used by <see cref="FromUnits"/>: one for the optimizer, then every branch's parameters.</summary>
    internal static int Dimensions(SearchSpace space) => 1 + space.Branches.Sum(b => b.Parameters.Count);
}
