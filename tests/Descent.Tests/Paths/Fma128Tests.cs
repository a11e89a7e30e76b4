using System.Runtime.Intrinsics;
using Descent.Simd;

namespace Descent.Tests.Paths;

/// <summary>
/// The emulated fused multiply-add of CPUs without FMA instructions gives the correctly rounded a·b + c, the bits of
/// <see cref="MathF.FusedMultiplyAdd"/> (the instruction here; the C library's <c>fmaf</c> in the pass without FMA),
/// on the cases where rounding twice would differ, on cancellations, subnormals, overflow and the special values.
/// </summary>
[Trait("Category", "Paths")]
public class Fma128Tests
{
    [Fact]
    public void SumsJustBesideAHalfwayPointRoundOnceAsTheExactSumDoes()
    {
        // (1 + x)(1 − x) = 1 − x²: a product a hair below half an ulp of c, so a·b + c rounded to double lands exactly
        // halfway between two floats while the exact sum does not; rounding that double to float rounds twice
        var rng = new Rng(5);
        var cases = new List<(float A, float B, float C)>();
        for (int i = 0; i < 20_000; i++)
        {
            float c = Normal(rng, -100, 100);
            float halfUlp = (MathF.BitIncrement(MathF.Abs(c)) - MathF.Abs(c)) / 2 * MathF.Sign(c);
            float x = (1 + rng.NextInt(127)) * MathF.Pow(2, -23);     // x² · half an ulp is below half a double ulp of c
            float a = 1 + x, b = halfUlp * (1 - x);
            cases.Add((a, b, c));                               // just below the halfway point, on the side of c
            cases.Add((a, -b, c + 2 * halfUlp));                // just past it, seen from the next float
            double naive = (double)a * b + c;
            Assert.Equal(BitConverter.DoubleToInt64Bits((double)c + halfUlp), BitConverter.DoubleToInt64Bits(naive));
        }
        Assert.Contains(cases, t => DoubleRounded(t) != MathF.FusedMultiplyAdd(t.A, t.B, t.C));   // the cases are hard
        AssertCorrectlyRounded(cases);
    }

    [Fact]
    public void RandomOperandsOverTheWholeRangeRoundOnce()
    {
        var rng = new Rng(6);
        var cases = new List<(float A, float B, float C)>();
        for (int i = 0; i < 200_000; i++)
        {
            float a = Any(rng), b = Any(rng);
            float c = (i % 4) switch
            {
                0 => -(float)((double)a * b),                                       // cancellation
                1 => -(float)((double)a * b) * (1 + (rng.NextInt(5) - 2) * 1e-7f),
                _ => Any(rng),
            };
            cases.Add((a, b, c));
        }
        AssertCorrectlyRounded(cases);
    }

    [Fact]
    public void SpecialValuesAndSignedZerosFollowTheInstruction()
    {
        float[] specials = [0f, -0f, 1f, -1f, float.Epsilon, -float.Epsilon, 1.1754942e-38f, float.MaxValue, -float.MaxValue,
            float.PositiveInfinity, float.NegativeInfinity, float.NaN, 3e-39f, 1e30f, -1e-30f, 0.5f];
        var cases = new List<(float A, float B, float C)>();
        foreach (float a in specials)
            foreach (float b in specials)
                foreach (float c in specials)
                    cases.Add((a, b, c));
        AssertCorrectlyRounded(cases);
    }

    private static void AssertCorrectlyRounded(List<(float A, float B, float C)> cases)
    {
        for (int i = 0; i + 4 <= cases.Count; i += 4)
        {
            var a = Vector128.Create(cases[i].A, cases[i + 1].A, cases[i + 2].A, cases[i + 3].A);
            var b = Vector128.Create(cases[i].B, cases[i + 1].B, cases[i + 2].B, cases[i + 3].B);
            var c = Vector128.Create(cases[i].C, cases[i + 1].C, cases[i + 2].C, cases[i + 3].C);
            var emulated = Fma128.Emulated(a, b, c);
            var chosen = Fma128.MultiplyAdd(a, b, c);
            for (int lane = 0; lane < 4; lane++)
            {
                var (x, y, z) = cases[i + lane];
                float expected = MathF.FusedMultiplyAdd(x, y, z);
                Assert.True(Same(expected, emulated[lane]), $"emulated fma({x:R}, {y:R}, {z:R}) = {emulated[lane]:R}, expected {expected:R}");
                Assert.True(Same(expected, chosen[lane]), $"fma({x:R}, {y:R}, {z:R}) = {chosen[lane]:R}, expected {expected:R}");
            }
        }
    }

    private static bool Same(float x, float y) =>
        float.IsNaN(x) ? float.IsNaN(y) : BitConverter.SingleToInt32Bits(x) == BitConverter.SingleToInt32Bits(y);

    private static float DoubleRounded((float A, float B, float C) t) => (float)((double)t.A * t.B + t.C);

    private static float Normal(Rng rng, int minExponent, int maxExponent) =>
        (float)((rng.NextInt(2) == 0 ? 1 : -1) * (1 + rng.NextDouble()) * Math.Pow(2, rng.NextInt(maxExponent - minExponent) + minExponent));

    /// <summary>A float anywhere in range: subnormals, normals of every exponent, and now and then a special value.</summary>
    private static float Any(Rng rng) => rng.NextInt(16) switch
    {
        0 => new[] { 0f, -0f, float.Epsilon, float.MaxValue, float.PositiveInfinity, float.NaN }[rng.NextInt(6)],
        1 => Normal(rng, -149, -126),
        2 or 3 => Normal(rng, -126, 127),
        _ => Normal(rng, -20, 20),
    };
}
