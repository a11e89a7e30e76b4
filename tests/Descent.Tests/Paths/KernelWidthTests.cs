using System.Runtime.Intrinsics;
using Descent.Tensors.Kernels;
using Descent.Simd;

namespace Descent.Tests.Paths;

/// <summary>
/// Every kernel gives the bits of its scalar reference on every vector width — Vector512, Vector256 and Vector128,
/// forced in-process with <see cref="SimdPath.Force"/> — for every length 0..300, without touching the guard values
/// around its spans. The cross-CPU passes of scripts/test.sh run these again with AVX-512, then AVX2, turned off.
/// </summary>
[Trait("Category", "Paths")]
public class KernelWidthTests
{
    private const int MaxLength = 300;

    [Fact]
    public void SumEqualsTheSixteenPartialSumDefinitionOnEveryWidth()
    {
        var rng = new Rng(11);
        for (int n = 0; n <= MaxLength; n++)
        {
            float[] data = Widths.Guarded(rng, n);
            float expected = SixteenPartialSums(Widths.Inner(data, n), square: false);
            foreach (SimdWidth width in (SimdWidth[])[SimdWidth.Scalar, .. Widths.Vector])
            {
                float actual = Widths.With(width, () => Reductions.Sum(Widths.Inner(data, n)));
                Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual), $"Sum n={n} on {width}: {actual:R}, expected {expected:R}");
            }
        }
    }

    [Fact]
    public void SumOfSquaresIsTheSameOnEveryWidth()
    {
        var rng = new Rng(12);
        foreach (int n in Enumerable.Range(0, MaxLength + 1).Concat([4095, 4096, 4097, 9000]))
        {
            float[] data = Widths.Guarded(rng, n);
            double expected = 0;
            for (int start = 0; start < n; start += Reductions.SquaresBlock)
                expected += SixteenPartialSums(Widths.Inner(data, n).Slice(start, Math.Min(Reductions.SquaresBlock, n - start)), square: true);
            foreach (SimdWidth width in (SimdWidth[])[SimdWidth.Scalar, .. Widths.Vector])
            {
                double actual = Widths.With(width, () => Reductions.SumOfSquaresDouble(Widths.Inner(data, n)));
                Assert.True(BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual), $"SumOfSquares n={n} on {width}: {actual:R}, expected {expected:R}");
            }
        }
    }

    private delegate void Backward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate);

    [Theory]
    [InlineData("relu")]
    [InlineData("sigmoid")]
    [InlineData("tanh")]
    public void ActivationBackwardEqualsTheScalarReferenceOnEveryWidth(string name)
    {
        (Backward kernel, Backward reference) = name switch
        {
            "relu" => ((Backward)Activations.ReluBackward, (Backward)ActivationsReference.ReluBackward),
            "sigmoid" => (Activations.SigmoidBackward, ActivationsReference.SigmoidBackward),
            _ => (Activations.TanhBackward, ActivationsReference.TanhBackward),
        };
        var rng = new Rng(13);
        for (int n = 0; n <= MaxLength; n++)
        {
            float[] y = Widths.Guarded(rng, n), g = Widths.Guarded(rng, n), start = Widths.Guarded(rng, n);
            foreach (bool accumulate in new[] { false, true })
            {
                float[] expected = (float[])start.Clone();
                reference(Widths.Inner(y, n), Widths.Inner(g, n), Widths.Inner(expected, n), accumulate);
                foreach (SimdWidth width in (SimdWidth[])[SimdWidth.Scalar, .. Widths.Vector])
                {
                    float[] actual = (float[])start.Clone();
                    using (SimdPath.Force(width)) kernel(Widths.Inner(y, n), Widths.Inner(g, n), Widths.Inner(actual, n), accumulate);
                    Widths.AssertSameBits(expected, actual, $"{name} n={n} accumulate={accumulate} on {width}");
                }
            }
        }
    }

    private delegate void Binary(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst);

    /// <summary>The elementwise kernels (TensorPrimitives underneath) equal one float operation per element.</summary>
    [Theory]
    [InlineData("add")]
    [InlineData("subtract")]
    [InlineData("multiply")]
    [InlineData("divide")]
    [InlineData("addScaled")]
    [InlineData("multiplyAdd")]
    [InlineData("log")]
    public void ElementwiseEqualsOneFloatOperationPerElement(string name)
    {
        (Binary kernel, Func<float, float, float, float> scalar) = name switch
        {
            "add" => ((Binary)Elementwise.Add, (Func<float, float, float, float>)((a, b, _) => a + b)),
            "subtract" => (Elementwise.Subtract, (a, b, _) => a - b),
            "multiply" => (Elementwise.Multiply, (a, b, _) => a * b),
            "divide" => (Elementwise.Divide, (a, b, _) => a / b),
            "addScaled" => ((a, b, d) => Elementwise.AddScaled(a, b, 0.37f, d), (a, b, _) => a + b * 0.37f),
            "multiplyAdd" => ((a, b, d) => Elementwise.MultiplyAdd(a, b, d, d), (a, b, c) => a * b + c),
            _ => ((a, _, d) => Elementwise.Log(a, d), (a, _, _) => MathF.Log(a)),
        };
        var rng = new Rng(14);
        for (int n = 0; n <= MaxLength; n++)
        {
            float[] a = Widths.Guarded(rng, n), b = Widths.Guarded(rng, n), start = Widths.Guarded(rng, n);
            if (name == "log") for (int i = 0; i < n; i++) a[Widths.Guard + i] = MathF.Abs(a[Widths.Guard + i]);
            float[] expected = (float[])start.Clone();
            for (int i = Widths.Guard; i < Widths.Guard + n; i++) expected[i] = scalar(a[i], b[i], start[i]);
            float[] actual = (float[])start.Clone();
            kernel(Widths.Inner(a, n), Widths.Inner(b, n), Widths.Inner(actual, n));
            Widths.AssertSameBits(expected, actual, $"{name} n={n}");
        }
    }

    [Fact]
    public void BatchNormMapsEqualTheScalarFormulaOnEveryWidth()
    {
        var rng = new Rng(17);
        const float a = 0.7f, b = -0.3f, d = 0.11f;
        for (int n = 0; n <= MaxLength; n++)
        {
            float[] x = Widths.Guarded(rng, n), dy = Widths.Guarded(rng, n), start = Widths.Guarded(rng, n);
            float[] expectedAffine = (float[])start.Clone();
            float[] expectedGradient = (float[])start.Clone(), expectedAccumulated = (float[])start.Clone();
            for (int i = Widths.Guard; i < Widths.Guard + n; i++)
            {
                expectedAffine[i] = x[i] * a + b;
                expectedGradient[i] = a * dy[i] + b * x[i] + d;
                expectedAccumulated[i] = start[i] + (a * dy[i] + b * x[i] + d);
            }
            foreach (SimdWidth width in (SimdWidth[])[SimdWidth.Scalar, .. Widths.Vector])
            {
                float[] affine = (float[])start.Clone(), gradient = (float[])start.Clone(), accumulated = (float[])start.Clone();
                using (SimdPath.Force(width))
                {
                    BatchNormRows.Affine(Widths.Inner(x, n), a, b, Widths.Inner(affine, n));
                    BatchNormRows.InputGradient(Widths.Inner(x, n), Widths.Inner(dy, n), a, b, d, Widths.Inner(gradient, n), accumulate: false);
                    BatchNormRows.InputGradient(Widths.Inner(x, n), Widths.Inner(dy, n), a, b, d, Widths.Inner(accumulated, n), accumulate: true);
                }
                Widths.AssertSameBits(expectedAffine, affine, $"Affine n={n} on {width}");
                Widths.AssertSameBits(expectedGradient, gradient, $"InputGradient n={n} on {width}");
                Widths.AssertSameBits(expectedAccumulated, accumulated, $"InputGradient accumulate n={n} on {width}");
            }
        }
    }

    [Fact]
    public void RowSumsEqualRowByRowAdditionInOrder()
    {
        var rng = new Rng(15);
        foreach (int columns in new[] { 1, 3, 10, 17, 64, 130 })
        {
            foreach (int rows in new[] { 0, 1, 2, 7 })
            {
                float[] matrix = Widths.Guarded(rng, rows * columns), other = Widths.Guarded(rng, rows * columns);
                float[] start = Widths.Guarded(rng, columns);
                float[] sums = (float[])start.Clone(), products = (float[])start.Clone();
                float[] expectedSums = (float[])start.Clone(), expectedProducts = (float[])start.Clone();
                for (int j = 0; j < columns; j++)
                {
                    float s = expectedSums[Widths.Guard + j], p = expectedProducts[Widths.Guard + j];
                    for (int r = 0; r < rows; r++)
                    {
                        s += matrix[Widths.Guard + r * columns + j];
                        p = matrix[Widths.Guard + r * columns + j] * other[Widths.Guard + r * columns + j] + p;
                    }
                    expectedSums[Widths.Guard + j] = s;
                    expectedProducts[Widths.Guard + j] = p;
                }
                Rows.SumRows(Widths.Inner(matrix, rows * columns), Widths.Inner(sums, columns), accumulate: true);
                Rows.SumRowProducts(Widths.Inner(matrix, rows * columns), Widths.Inner(other, rows * columns), Widths.Inner(products, columns), accumulate: true);
                Widths.AssertSameBits(expectedSums, sums, $"SumRows {rows}x{columns}");
                Widths.AssertSameBits(expectedProducts, products, $"SumRowProducts {rows}x{columns}");
            }
        }
    }

    [Fact]
    public void PortablePoolingDeinterleaveEqualsTheX86Shuffles()
    {
        var rng = new Rng(16);
        for (int trial = 0; trial < 50; trial++)
        {
            float[] v = Enumerable.Range(0, 16).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
            var (even256, odd256) = PoolingKernels.DeinterleavePortable(Vector256.Create(v.AsSpan(0, 8)), Vector256.Create(v.AsSpan(8, 8)));
            var (even128, odd128) = PoolingKernels.DeinterleavePortable(Vector128.Create(v.AsSpan(0, 4)), Vector128.Create(v.AsSpan(4, 4)));
            for (int i = 0; i < 8; i++)
            {
                Assert.Equal(v[2 * i], even256.GetElement(i));
                Assert.Equal(v[2 * i + 1], odd256.GetElement(i));
            }
            for (int i = 0; i < 4; i++)
            {
                Assert.Equal(v[2 * i], even128.GetElement(i));
                Assert.Equal(v[2 * i + 1], odd128.GetElement(i));
            }
        }
    }

    /// <summary>The definition, written independently: sum j gets elements 16·b + j, then a fixed tree, then the tail.</summary>
    internal static float SixteenPartialSums(ReadOnlySpan<float> a, bool square)
    {
        int whole = a.Length / 16 * 16;
        float total = 0f;
        if (whole > 0)
        {
            var s = new float[16];
            for (int i = 0; i < whole; i++) s[i % 16] = i < 16 ? Term(a[i]) : s[i % 16] + Term(a[i]);
            var eight = new float[8];
            for (int j = 0; j < 8; j++) eight[j] = s[j] + s[j + 8];
            var four = new float[4];
            for (int j = 0; j < 4; j++) four[j] = eight[j] + eight[j + 4];
            total = (four[0] + four[2]) + (four[1] + four[3]);
        }
        for (int i = whole; i < a.Length; i++) total += Term(a[i]);
        return total;

        float Term(float x) => square ? x * x : x;
    }
}
