namespace Descent.Lab.Tuning;

/// <summary>
/// A Halton sequence (base = the d-th prime for dimension d) with a seeded random shift per dimension
/// (Cranley–Patterson rotation): low-discrepancy points that cover the space more evenly than random ones, the
/// search AlgoPerf uses. Trial N takes point N + 1.
/// </summary>
public sealed class QuasiRandomSampler : ISampler
{
    private static readonly int[] Primes = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37, 41, 43, 47, 53, 59, 61, 67, 71, 73, 79, 83, 89, 97, 101, 103, 107, 109, 113];
    private readonly SearchSpace _space;
    private readonly double[] _shift;

    /// <summary>A Halton sampler over <paramref name="space"/> shifted by <paramref name="seed"/>.</summary>
    public QuasiRandomSampler(SearchSpace space, ulong seed)
    {
        _space = space;
        int dims = Samplers.Dimensions(space);
        if (dims > Primes.Length) throw new ArgumentException($"quasi_random supports at most {Primes.Length - 1} parameters");
        var rng = Samplers.RandomFor(seed, -1);
        _shift = [.. Enumerable.Range(0, dims).Select(_ => rng.NextDouble())];
    }

    /// <summary>The radical inverse of <paramref name="index"/> in <paramref name="b"/>: its digits mirrored after the point.</summary>
    public static double RadicalInverse(long index, int b)
    {
        double result = 0, f = 1.0 / b;
        for (long i = index; i > 0; i /= b, f /= b) result += f * (i % b);
        return result;
    }

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int number) =>
        Samplers.FromUnits(_space, d => (RadicalInverse(number + 1, Primes[d]) + _shift[d]) % 1.0);
}
