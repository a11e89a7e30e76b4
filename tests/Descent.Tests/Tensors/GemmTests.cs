using Descent.Tensors;
using Descent.Tests.Threading;
using Descent.Threading;

namespace Descent.Tests.Tensors;

[Trait("Category", "Paths")]
[Collection(ComputeThreadsCollection.Name)]
public class GemmTests
{
    /// <summary>The implementations under test: each kernel in each orientation, plus the public dispatch.</summary>
    public enum Variant { Default, Tile8x32, Tile12x32, Tile8x32Turned, Tile12x32Turned, Tile6x16, Tile6x16Turned, Tile6x8, Tile6x8Turned }

    public static TheoryData<Variant, bool, bool> VariantsAndTransposes()
    {
        var data = new TheoryData<Variant, bool, bool>();
        foreach (Variant variant in Enum.GetValues<Variant>())
        {
            foreach (bool transposeA in new[] { false, true })
            {
                foreach (bool transposeB in new[] { false, true })
                    data.Add(variant, transposeA, transposeB);
            }
        }
        return data;
    }

    // Sizes straddling the tile edges (Mr = 6, 8, 12; Nr = 8, 16, 32) and the depth blocks (256, 512).
    private static readonly (int M, int N, int K)[] AwkwardShapes =
    [
        (1, 1, 1), (1, 33, 7), (5, 1, 9), (7, 17, 8), (8, 32, 16), (9, 31, 3), (12, 32, 1), (13, 33, 17),
        (6, 16, 255), (11, 47, 256), (25, 65, 257), (17, 10, 513), (31, 15, 600), (40, 3, 100), (2, 100, 64),
        (64, 64, 64), (97, 41, 33), (10, 128, 520),
    ];

    private static readonly (float Alpha, float Beta)[] Scalings = [(1f, 0f), (0.5f, 0f), (-1.5f, 1f), (2f, 0.25f)];

    [Theory]
    [MemberData(nameof(VariantsAndTransposes))]
    public void MatchesTheReferenceOnAwkwardShapes(Variant variant, bool transposeA, bool transposeB)
    {
        if (!IsSupported(variant))
            return;
        var rng = new Rng(17);
        foreach ((int m, int n, int k) in AwkwardShapes)
        {
            (float alpha, float beta) = Scalings[(m + n + k) % Scalings.Length];
            var operands = new Operands(rng, transposeA, transposeB, m, n, k, padding: 3);
            float[] expected = operands.Reference(alpha, beta);
            float[] actual = operands.Run(variant, alpha, beta);
            operands.AssertClose(expected, actual, alpha, beta, $"{variant} m={m} n={n} k={k} α={alpha} β={beta}");
        }
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void BetaZeroOverwritesNaNsInC(bool transposeA, bool transposeB)
    {
        var rng = new Rng(3);
        foreach (Variant variant in Enum.GetValues<Variant>())
        {
            if (!IsSupported(variant))
                continue;
            var operands = new Operands(rng, transposeA, transposeB, 37, 45, 70, padding: 2, fillC: float.NaN);
            float[] actual = operands.Run(variant, 1.25f, 0f);
            operands.AssertClose(operands.Reference(1.25f, 0f), actual, 1.25f, 0f, variant.ToString());
        }
    }

    [Fact]
    public void AlphaZeroOnlyScalesCAndIgnoresAAndB()
    {
        float[] a = [float.NaN, 1, 2, 3, 4, 5];
        float[] b = [float.NaN, 1, 2, 3, 4, 5];
        float[] c = [1, 2, 3, 4];
        Gemm.Multiply(false, false, 2, 2, 3, 0f, a, 3, b, 2, 0.5f, c, 2);
        Assert.Equal(new[] { 0.5f, 1f, 1.5f, 2f }, c);
    }

    [Fact]
    public void ZeroDepthScalesC()
    {
        float[] c = [1, 2, float.NaN, 4];
        Gemm.Multiply(false, true, 2, 2, 0, 1f, [], 1, [], 1, 0f, c, 2);
        Assert.Equal(new[] { 0f, 0f, 0f, 0f }, c);
        float[] d = [1, 2, 3, 4];
        Gemm.Multiply(true, false, 2, 2, 0, 1f, [], 2, [], 2, 3f, d, 2);
        Assert.Equal(new[] { 3f, 6f, 9f, 12f }, d);
    }

    [Fact]
    public void EmptyOutputTouchesNothing()
    {
        float[] c = [7];
        Gemm.Multiply(false, false, 0, 5, 3, 1f, [], 3, new float[15], 5, 0f, [], 5);
        Gemm.Multiply(false, false, 1, 0, 3, 1f, new float[3], 3, [], 1, 0f, c, 1);
        Assert.Equal(7f, c[0]);
    }

    [Fact]
    public void SmallProductIsExact()
    {
        // [1 2 3; 4 5 6] · [7 8; 9 10; 11 12] = [58 64; 139 154]
        float[] c = new float[4];
        Gemm.Multiply(false, false, 2, 2, 3, 1f, [1, 2, 3, 4, 5, 6], 3, [7, 8, 9, 10, 11, 12], 2, 0f, c, 2);
        Assert.Equal(new[] { 58f, 64f, 139f, 154f }, c);
        // Same product with both operands stored transposed.
        Gemm.Multiply(true, true, 2, 2, 3, 1f, [1, 4, 2, 5, 3, 6], 2, [7, 9, 11, 8, 10, 12], 3, 0f, c, 2);
        Assert.Equal(new[] { 58f, 64f, 139f, 154f }, c);
    }

    [Theory]
    [InlineData(false, true, 128, 512, 784)]  // splits the columns
    [InlineData(true, false, 512, 200, 128)]  // splits the rows
    [InlineData(false, false, 400, 10, 700)]  // turned around (n pads badly), then split
    [InlineData(true, true, 77, 301, 257)]
    public void ResultIsBitIdenticalForOneAndTwoThreads(bool transposeA, bool transposeB, int m, int n, int k)
    {
        var operands = new Operands(new Rng(5), transposeA, transposeB, m, n, k, padding: 1);
        int saved = ComputeThreads.Count;
        try
        {
            ComputeThreads.Count = 1;
            float[] single = operands.Run(Variant.Default, 0.75f, 0.5f);
            ComputeThreads.Count = 2;
            float[] dual = operands.Run(Variant.Default, 0.75f, 0.5f);
            Assert.True(single.AsSpan().SequenceEqual(dual), "results differ between 1 and 2 threads");
        }
        finally
        {
            ComputeThreads.Count = saved;
        }
    }

    /// <summary>
    /// Every micro-kernel, in both orientations, gives the bits of every other on shapes straddling the tiles and
    /// the depth blocks — including kernels this machine lacks the instructions for, which .NET then runs in
    /// software with the same IEEE-754 semantics. So a model trains to the same weights on AVX-512, AVX2 and
    /// 128-bit (ARM64 NEON) machines.
    /// </summary>
    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void EveryKernelGivesTheSameBits(bool transposeA, bool transposeB)
    {
        var rng = new Rng(29);
        (int M, int N, int K)[] shapes = [(13, 33, 17), (25, 65, 257), (17, 10, 513), (31, 15, 1100), (7, 40, 8), (1, 1, 1)];
        foreach ((int m, int n, int k) in shapes)
        {
            foreach ((float alpha, float beta) in Scalings)
            {
                var operands = new Operands(rng, transposeA, transposeB, m, n, k, padding: 2);
                float[] expected = operands.Run(Variant.Tile6x8, alpha, beta);
                foreach (Variant variant in Enum.GetValues<Variant>())
                {
                    float[] actual = operands.Run(variant, alpha, beta);
                    Assert.True(expected.AsSpan().SequenceEqual(actual), $"{variant} differs from Tile6x8 at m={m} n={n} k={k} α={alpha} β={beta}");
                }
            }
        }
    }

    [Fact]
    public void RejectsNegativeM() => AssertRejects<ArgumentOutOfRangeException>("m",
        () => Gemm.Multiply(false, false, -1, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2));

    [Fact]
    public void RejectsNegativeN() => AssertRejects<ArgumentOutOfRangeException>("n",
        () => Gemm.Multiply(false, false, 2, -1, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2));

    [Fact]
    public void RejectsNegativeK() => AssertRejects<ArgumentOutOfRangeException>("k",
        () => Gemm.Multiply(false, false, 2, 2, -1, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 2));

    [Fact]
    public void RejectsLdaBelowTheStoredWidth()
    {
        // A is stored m×k = 2×3, so lda must be at least 3; transposed it is stored k×m = 3×2, so at least 2.
        AssertRejects<ArgumentOutOfRangeException>("lda",
            () => Gemm.Multiply(false, false, 2, 2, 3, 1f, new float[9], 2, new float[6], 2, 0f, new float[4], 2));
        AssertRejects<ArgumentOutOfRangeException>("lda",
            () => Gemm.Multiply(true, false, 2, 2, 3, 1f, new float[9], 1, new float[6], 2, 0f, new float[4], 2));
    }

    [Fact]
    public void RejectsLdbBelowTheStoredWidth()
    {
        // B is stored k×n = 3×2, so ldb must be at least 2; transposed it is stored n×k = 2×3, so at least 3.
        AssertRejects<ArgumentOutOfRangeException>("ldb",
            () => Gemm.Multiply(false, false, 2, 2, 3, 1f, new float[6], 3, new float[9], 1, 0f, new float[4], 2));
        AssertRejects<ArgumentOutOfRangeException>("ldb",
            () => Gemm.Multiply(false, true, 2, 2, 3, 1f, new float[6], 3, new float[9], 2, 0f, new float[4], 2));
    }

    [Fact]
    public void RejectsLdcBelowN() => AssertRejects<ArgumentOutOfRangeException>("ldc",
        () => Gemm.Multiply(false, false, 2, 2, 2, 1f, new float[4], 2, new float[4], 2, 0f, new float[4], 1));

    [Fact]
    public void RejectsZeroStrideEvenForEmptyMatrices() => AssertRejects<ArgumentOutOfRangeException>("lda",
        () => Gemm.Multiply(false, false, 0, 0, 0, 1f, [], 0, [], 1, 0f, [], 1));

    [Fact]
    public void RejectsAShorterThanItsMatrix() => AssertRejects<ArgumentException>("a",
        () => Gemm.Multiply(false, false, 2, 2, 3, 1f, new float[3 + 3 - 1], 3, new float[6], 2, 0f, new float[4], 2));

    [Fact]
    public void RejectsBShorterThanItsMatrix() => AssertRejects<ArgumentException>("b",
        () => Gemm.Multiply(false, false, 2, 2, 3, 1f, new float[6], 3, new float[5], 2, 0f, new float[4], 2));

    [Fact]
    public void RejectsCShorterThanItsMatrix() => AssertRejects<ArgumentException>("c",
        () => Gemm.Multiply(false, false, 2, 2, 3, 1f, new float[6], 3, new float[6], 2, 0f, new float[3], 2));

    [Fact]
    public void AcceptsSpansEndingAtTheLastElement()
    {
        // With strides wider than the rows, the last row need not be padded out to the stride.
        float[] c = new float[4 + 2];
        Gemm.Multiply(false, false, 2, 2, 3, 1f, new float[5 + 3], 5, new float[2 * 4 + 2], 4, 0f, c, 4);
    }

    private static void AssertRejects<TException>(string parameter, Action call) where TException : ArgumentException
    {
        var exception = Assert.Throws<TException>(call);
        Assert.Equal(parameter, exception.ParamName);
    }

    private static bool IsSupported(Variant variant) => variant switch
    {
        Variant.Tile8x32 or Variant.Tile8x32Turned => GemmKernel8x32.IsSupported,
        Variant.Tile12x32 or Variant.Tile12x32Turned => GemmKernel12x32.IsSupported,
        Variant.Tile6x16 or Variant.Tile6x16Turned => GemmKernel6x16.IsSupported,
        Variant.Tile6x8 or Variant.Tile6x8Turned => GemmKernel6x8.IsSupported,
        _ => true,
    };

    /// <summary>One problem: random operands stored with padded strides, and C prefilled.</summary>
    private sealed class Operands
    {
        private const float Sentinel = -12345f;
        private readonly bool _transposeA, _transposeB;
        private readonly int _m, _n, _k, _lda, _ldb, _ldc;
        private readonly float[] _a, _b, _c;

        public Operands(Rng rng, bool transposeA, bool transposeB, int m, int n, int k, int padding, float? fillC = null)
        {
            (_transposeA, _transposeB, _m, _n, _k) = (transposeA, transposeB, m, n, k);
            (int aRows, int aCols) = transposeA ? (k, m) : (m, k);
            (int bRows, int bCols) = transposeB ? (n, k) : (k, n);
            _lda = aCols + padding;
            _ldb = bCols + padding;
            _ldc = n + padding;
            _a = Random(rng, aRows * _lda);
            _b = Random(rng, bRows * _ldb);
            _c = new float[m * _ldc];
            for (int i = 0; i < _c.Length; i++)
                _c[i] = i % _ldc >= n ? Sentinel : fillC ?? rng.Uniform(-1f, 1f);
        }

        public float[] Reference(float alpha, float beta)
        {
            float[] c = (float[])_c.Clone();
            GemmReference.Multiply(_transposeA, _transposeB, _m, _n, _k, alpha, _a, _lda, _b, _ldb, beta, c, _ldc);
            return c;
        }

        public unsafe float[] Run(Variant variant, float alpha, float beta)
        {
            float[] c = (float[])_c.Clone();
            if (variant == Variant.Default || _m == 0 || _n == 0 || _k == 0)
            {
                Gemm.Multiply(_transposeA, _transposeB, _m, _n, _k, alpha, _a, _lda, _b, _ldb, beta, c, _ldc);
                return c;
            }
            fixed (float* a = _a, b = _b, pc = c)
            {
                var problem = new GemmProblem(_transposeA, _transposeB, _m, _n, _k, alpha, a, _lda, b, _ldb, beta, pc, _ldc);
                switch (variant)
                {
                    case Variant.Tile8x32: GemmParallel.Run<GemmKernel8x32>(problem); break;
                    case Variant.Tile12x32: GemmParallel.Run<GemmKernel12x32>(problem); break;
                    case Variant.Tile6x16: GemmParallel.Run<GemmKernel6x16>(problem); break;
                    case Variant.Tile8x32Turned: GemmParallel.Run<GemmKernel8x32>(problem.Turned()); break;
                    case Variant.Tile12x32Turned: GemmParallel.Run<GemmKernel12x32>(problem.Turned()); break;
                    case Variant.Tile6x16Turned: GemmParallel.Run<GemmKernel6x16>(problem.Turned()); break;
                    case Variant.Tile6x8: GemmParallel.Run<GemmKernel6x8>(problem); break;
                    case Variant.Tile6x8Turned: GemmParallel.Run<GemmKernel6x8>(problem.Turned()); break;
                }
            }
            return c;
        }

        /// <summary>
        /// Float rounding error of a k-term dot product grows like √k·ε times the sum of the absolute terms; the
        /// bound allows 16·√(k+1)·ε of that magnitude, plus ε of the scaled old C. Padding columns must be untouched.
        /// </summary>
        public void AssertClose(float[] expected, float[] actual, float alpha, float beta, string context)
        {
            const double epsilon = 1.2e-7;
            for (int i = 0; i < _m; i++)
            {
                for (int j = 0; j < _ldc; j++)
                {
                    int index = i * _ldc + j;
                    if (j >= _n)
                    {
                        Assert.True(actual[index] == Sentinel, $"{context}: wrote padding at ({i}, {j})");
                        continue;
                    }
                    double magnitude = Math.Abs(alpha) * AbsoluteProduct(i, j) + (beta == 0 ? 0 : Math.Abs(beta * _c[index]));
                    double tolerance = 16 * Math.Sqrt(_k + 1) * epsilon * magnitude + 1e-30;
                    double error = Math.Abs((double)actual[index] - expected[index]);
                    Assert.True(error <= tolerance,
                        $"{context}: C[{i},{j}] = {actual[index]}, expected {expected[index]} (error {error:E2} > {tolerance:E2})");
                }
            }
        }

        private double AbsoluteProduct(int i, int j)
        {
            double sum = 0;
            for (int p = 0; p < _k; p++)
            {
                float x = _transposeA ? _a[p * _lda + i] : _a[i * _lda + p];
                float y = _transposeB ? _b[j * _ldb + p] : _b[p * _ldb + j];
                sum += Math.Abs((double)x * y);
            }
            return sum;
        }

        private static float[] Random(Rng rng, int count)
        {
            var values = new float[count];
            for (int i = 0; i < values.Length; i++)
                values[i] = rng.Uniform(-1f, 1f);
            return values;
        }
    }
}
