using Descent.Optim.Kernels;
using Descent.Simd;

namespace Descent.Tests.Optim;

/// <summary>
/// Checks an optimizer's update rule on every vector width this machine runs against the rule's scalar form
/// (<see cref="Lane1"/>): every length 0..300, the spans placed between guard values that must stay untouched, data
/// that includes ±0, subnormals, ±∞ and NaN beside ordinary values, compared bit for bit (NaN payloads aside).
/// </summary>
internal static class RuleTestKit
{
    private const int Guard = 19;
    private const float GuardValue = -12345.678f;

    /// <summary>The widths compared with scalar: all three (a width the machine lacks is emulated by .NET).</summary>
    public static SimdWidth[] VectorWidths => [SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512];

    /// <summary>
    /// Runs <paramref name="rule"/> on random data (the gradient in [−1, 1), each used state buffer in its range of
    /// <paramref name="stateRanges"/>) on every width, and asserts every width wrote the scalar form's bits.
    /// </summary>
    public static void AssertEveryWidthEqualsScalar<TRule>(TRule rule, int seed, params (float Low, float High)[] stateRanges)
        where TRule : struct, IUpdateRule
    {
        var rng = new Rng((ulong)seed);
        for (int n = 0; n <= 300; n++)
        {
            var buffers = new float[5][];
            buffers[0] = Guarded(rng, n, -1, 1, special: n % 3 == 0);
            buffers[1] = Guarded(rng, n, -1, 1, special: n % 5 == 0);
            for (int s = 0; s < 3; s++)
            {
                var (low, high) = s < stateRanges.Length ? stateRanges[s] : (0f, 1f);
                buffers[2 + s] = Guarded(rng, n, low, high, special: false);
            }
            var expected = Run(rule, buffers, n, SimdWidth.Scalar);
            foreach (var width in VectorWidths)
            {
                var actual = Run(rule, buffers, n, width);
                for (int b = 0; b < 5; b++) AssertSameBits(expected[b], actual[b], $"{typeof(TRule).Name} on {width}, n = {n}, buffer {b}");
            }
        }
    }

    private static float[][] Run<TRule>(TRule rule, float[][] inputs, int n, SimdWidth width) where TRule : struct, IUpdateRule
    {
        var b = inputs.Select(a => (float[])a.Clone()).ToArray();
        var used = rule.Streams;
        Span<float> State(int s, StateStreams flag) => used.HasFlag(flag) ? b[2 + s].AsSpan(Guard, n) : [];
        using (SimdPath.Force(width))
            ElementwiseUpdate.Run(rule, b[0].AsSpan(Guard, n), b[1].AsSpan(Guard, n),
                State(0, StateStreams.First), State(1, StateStreams.Second), State(2, StateStreams.Third));
        return b;
    }

    /// <summary>n values between guard cells; with <paramref name="special"/>, some are ±0, subnormal, ±∞ or NaN.</summary>
    private static float[] Guarded(Rng rng, int n, float low, float high, bool special)
    {
        var a = new float[n + 2 * Guard];
        Array.Fill(a, GuardValue);
        for (int i = 0; i < n; i++) a[Guard + i] = rng.Uniform(low, high);
        if (special)
        {
            float[] values = [0f, -0f, 1e-40f, -1e-40f, float.PositiveInfinity, float.NegativeInfinity, float.NaN];
            for (int i = 0; i < n; i += 11) a[Guard + i] = values[i / 11 % values.Length];
        }
        return a;
    }

    private static void AssertSameBits(float[] expected, float[] actual, string what)
    {
        for (int i = 0; i < expected.Length; i++)
        {
            if (float.IsNaN(expected[i]) && float.IsNaN(actual[i])) continue;
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"{what}: element {i - Guard} is {actual[i]:R}, the scalar form wrote {expected[i]:R}");
        }
    }
}
