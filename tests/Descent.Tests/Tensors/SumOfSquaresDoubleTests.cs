using Descent.Simd;
using Descent.Tensors.Kernels;
using Descent.Tests.Paths;
using Descent.Tests.Threading;
using Descent.Threading;

namespace Descent.Tests.Tensors;

/// <summary>
/// Long sums of squares are split over the compute threads by whole blocks, and LARS's ‖θ‖² and ‖g + λθ‖² are taken
/// in one pass without storing g + λθ: both give the bits of the definition (each block's sixteen partial sums of
/// rounded squares, the block totals added in double in order) with one thread or two, on every width.
/// </summary>
[Collection(ComputeThreadsCollection.Name)]
public class SumOfSquaresDoubleTests
{
    private static readonly int[] Lengths = [0, 15, 4096 * 16, (1 << 18) - 1, (1 << 18) + 4096 * 16 * 3 + 4100, 1 << 20];

    [Fact]
    public void LongSumsEqualTheBlockDefinitionWithAnyThreadCountAndWidth()
    {
        var rng = new Rng(31);
        foreach (int n in Lengths)
        {
            float[] x = Data(rng, n);
            double expected = Definition(x);
            ForEveryThreadCountAndWidth((threads, width) =>
                AssertSameBits(expected, Reductions.SumOfSquaresDouble(x), $"n = {n}, {threads} threads, {width}"));
        }
    }

    [Fact]
    public void TheSquaresOfTheDecayedGradientEqualThoseOfTheStoredSum()
    {
        var rng = new Rng(32);
        const float decay = 0.01f;
        foreach (int n in Lengths)
        {
            float[] theta = Data(rng, n), grad = Data(rng, n);
            float[] decayed = new float[n];
            for (int i = 0; i < n; i++) decayed[i] = grad[i] + decay * theta[i];   // add_decayed_weights, stored
            double expectedTheta = Definition(theta), expectedDecayed = Definition(decayed);
            ForEveryThreadCountAndWidth((threads, width) =>
            {
                var (t, u) = Reductions.SumsOfSquaresDouble(theta, grad, decay);
                AssertSameBits(expectedTheta, t, $"‖θ‖², n = {n}, {threads} threads, {width}");
                AssertSameBits(expectedDecayed, u, $"‖g + λθ‖², n = {n}, {threads} threads, {width}");
            });
        }
    }

    private static double Definition(float[] x)
    {
        double sum = 0;
        for (int start = 0; start < x.Length; start += Reductions.SquaresBlock)
            sum += KernelWidthTests.SixteenPartialSums(x.AsSpan(start, Math.Min(Reductions.SquaresBlock, x.Length - start)), square: true);
        return sum;
    }

    private static void ForEveryThreadCountAndWidth(Action<int, SimdWidth> check)
    {
        int saved = ComputeThreads.Count;
        try
        {
            foreach (int threads in new[] { 1, 2 })
            {
                ComputeThreads.Count = threads;
                foreach (SimdWidth width in (SimdWidth[])[SimdWidth.Scalar, .. Widths.Vector])
                    using (SimdPath.Force(width)) check(threads, width);
            }
        }
        finally { ComputeThreads.Count = saved; }
    }

    /// <summary>Values of mixed magnitudes, so that another order of the additions would give other bits.</summary>
    private static float[] Data(Rng rng, int n)
    {
        var x = new float[n];
        for (int i = 0; i < n; i++) x[i] = rng.NextNormal() * MathF.Pow(2, rng.NextInt(20) - 10);
        return x;
    }

    private static void AssertSameBits(double expected, double actual, string context) =>
        Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"{context}: {actual:R}, expected {expected:R}");
}
