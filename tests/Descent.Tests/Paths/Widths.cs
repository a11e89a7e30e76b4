using Descent.Simd;

namespace Descent.Tests.Paths;

/// <summary>The lane widths the kernels can be forced to, and span helpers with guard values around the data.</summary>
internal static class Widths
{
    /// <summary>The vector widths, compared against <see cref="SimdWidth.Scalar"/> (wider than the machine: emulated by .NET).</summary>
    public static readonly SimdWidth[] Vector = [SimdWidth.Vector512, SimdWidth.Vector256, SimdWidth.Vector128];

    /// <summary>Guard floats on each side of a span.</summary>
    public const int Guard = 16;

    /// <summary>A guard value no kernel writes: a NaN with a recognisable payload.</summary>
    public static readonly float GuardValue = BitConverter.Int32BitsToSingle(0x7FC0_DEAD);

    /// <summary>Runs <paramref name="body"/> with the kernels forced to <paramref name="width"/>.</summary>
    public static T With<T>(SimdWidth width, Func<T> body)
    {
        using (SimdPath.Force(width)) return body();
    }

    /// <summary>An array of n values from <paramref name="rng"/> in [−2, 2) with guard values around index [Guard, Guard + n).</summary>
    public static float[] Guarded(Rng rng, int n)
    {
        var a = new float[n + 2 * Guard];
        Array.Fill(a, GuardValue);
        for (int i = 0; i < n; i++) a[Guard + i] = rng.Uniform(-2f, 2f);
        return a;
    }

    /// <summary>The data part of a guarded array.</summary>
    public static Span<float> Inner(float[] guarded, int n) => guarded.AsSpan(Guard, n);

    /// <summary>Asserts two arrays hold the same bits, guards included, naming the first difference.</summary>
    public static void AssertSameBits(float[] expected, float[] actual, string context)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            if (BitConverter.SingleToInt32Bits(expected[i]) != BitConverter.SingleToInt32Bits(actual[i]))
                Assert.Fail($"{context}: element {i} is {actual[i]:R}, expected {expected[i]:R}");
        }
    }

    /// <summary>Asserts the guard values around a span of length n are untouched.</summary>
    public static void AssertGuards(float[] guarded, int n, string context)
    {
        for (int i = 0; i < Guard; i++)
        {
            Assert.True(BitConverter.SingleToInt32Bits(guarded[i]) == BitConverter.SingleToInt32Bits(GuardValue), $"{context}: wrote before the span");
            Assert.True(BitConverter.SingleToInt32Bits(guarded[Guard + n + i]) == BitConverter.SingleToInt32Bits(GuardValue), $"{context}: wrote after the span");
        }
    }
}
