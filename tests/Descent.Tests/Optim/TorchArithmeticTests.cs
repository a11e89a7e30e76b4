using Descent.Optim;
using Descent.Simd;

namespace Descent.Tests.Optim;

/// <summary>
/// <see cref="TorchArithmetic"/>'s reductions give, on every width (scalar, Vector128, Vector256, Vector512), the
/// bits of the scalar implementation that reproduced PyTorch's recordings (<see cref="Reference"/>, kept here as the
/// oracle): every length 0..300 and long ones that reach several cascade levels of torch's <c>multi_row_sum</c>, on
/// data of mixed magnitudes where the summation order shows (checked against a plain left-to-right order), and on
/// data with ±0, subnormals, ±∞ and NaN (any NaN matches any NaN).
/// </summary>
public class TorchArithmeticTests
{
    private static readonly SimdWidth[] AllWidths = [SimdWidth.Scalar, SimdWidth.Vector128, SimdWidth.Vector256, SimdWidth.Vector512];

    /// <summary>
    /// Long lengths: leftover vectors and tail elements (4095, 8191 + 24), one level-2 flush (65536 + 3),
    /// level-3 flushes (2^20 + 7, 2^20 + 31 with three leftover vectors and seven tail elements).
    /// </summary>
    private static readonly int[] LongLengths = [4095, 8191 + 24, 65536 + 3, (1 << 20) + 7, (1 << 20) + 31];

    /// <summary>Long enough that <c>multi_row_sum</c>'s cascade step grows from 2^4 to 2^5 groups (more than 2^19 groups of 32).</summary>
    private const int HugeLength = (1 << 24) + (1 << 20) + 13;

    private static IEnumerable<int> Lengths => Enumerable.Range(0, 301).Concat(LongLengths);

    private static readonly Lazy<float[]> s_mixedX = new(() => Mixed(101, LongLengths.Max()));
    private static readonly Lazy<float[]> s_mixedY = new(() => Mixed(202, LongLengths.Max()));
    private static readonly Lazy<float[]> s_zerosX = new(() => Special(303, 301, [0f, -0f, 1e-40f, -1e-40f, -1e-45f]));
    private static readonly Lazy<float[]> s_zerosY = new(() => Special(404, 301, [-0f, 1e-45f, 0f, -1e-40f]));
    private static readonly Lazy<float[]> s_nonFiniteX = new(() => Special(505, 301, [float.PositiveInfinity, -0f, float.NegativeInfinity, float.NaN, float.MaxValue]));
    private static readonly Lazy<float[]> s_nonFiniteY = new(() => Special(606, 301, [float.NaN, float.PositiveInfinity, -float.MaxValue]));

    /// <summary>Signed values (1 + u)·2^e with e uniform in [−12, 12]: sums of these round differently in every order.</summary>
    private static float[] Mixed(int seed, int n)
    {
        var rng = new Rng((ulong)seed);
        var a = new float[n];
        for (int i = 0; i < n; i++)
        {
            float magnitude = MathF.ScaleB(1f + rng.NextFloat(), rng.NextInt(25) - 12);
            a[i] = rng.NextFloat() < 0.5f ? -magnitude : magnitude;
        }
        return a;
    }

    /// <summary>Mixed values with every seventh element one of <paramref name="values"/> in turn.</summary>
    private static float[] Special(int seed, int n, float[] values)
    {
        var a = Mixed(seed, n);
        for (int i = 3; i < n; i += 7) a[i] = values[i / 7 % values.Length];
        return a;
    }

    /// <summary>Below this length, 32 more mixed data sets per length: few elements make an order show less often.</summary>
    private const int ShortExtraData = 40;

    /// <summary>
    /// The data sets a length is checked on: mixed magnitudes (more of them for short lengths); up to 300, mixed with
    /// ±0 and subnormals, and mixed with ±∞, NaN and ±the largest float; all −0.
    /// </summary>
    private static IEnumerable<(string Name, float[] X, float[] Y)> Data(int n)
    {
        yield return ("mixed", s_mixedX.Value[..n], s_mixedY.Value[..n]);
        if (n < ShortExtraData)
            for (int k = 0; k < 32; k++) yield return ($"mixed #{k}", Mixed(1000 + 64 * n + 2 * k, n), Mixed(1001 + 64 * n + 2 * k, n));
        if (n <= 300)
        {
            yield return ("±0 and subnormal", s_zerosX.Value[..n], s_zerosY.Value[..n]);
            yield return ("non-finite", s_nonFiniteX.Value[..n], s_nonFiniteY.Value[..n]);
        }
        if (n <= 300 || n == LongLengths[0])
        {
            var negativeZeros = Enumerable.Repeat(-0f, n).ToArray();
            yield return ("all −0", negativeZeros, negativeZeros);
        }
    }

    private static void AssertEveryWidth(float[] x, float[] y, Func<float[], float[], float> reference, Func<float[], float[], float> actual, string what)
    {
        float expected = reference(x, y);
        foreach (var width in AllWidths)
        {
            float got;
            using (SimdPath.Force(width)) got = actual(x, y);
            AssertSameBits(expected, got, $"{what} on {width}");
        }
    }

    private static void AssertSameBits(float expected, float actual, string what)
    {
        if (float.IsNaN(expected) && float.IsNaN(actual)) return;
        Assert.True(BitConverter.SingleToInt32Bits(expected) == BitConverter.SingleToInt32Bits(actual),
            $"{what}: {actual:R} ({BitConverter.SingleToUInt32Bits(actual):X8}), the reference gives {expected:R} ({BitConverter.SingleToUInt32Bits(expected):X8})");
    }

    private static void ForEveryLengthAndData(string name, Func<float[], float[], float> reference, Func<float[], float[], float> actual)
    {
        foreach (int n in Lengths)
            foreach (var (data, x, y) in Data(n))
                AssertEveryWidth(x, y, reference, actual, $"{name}, n = {n}, {data} data");
    }

    [Fact]
    public void SumOfSquaresMatchesTheReferenceOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.SumOfSquares), (x, _) => Reference.SumOfSquares(x), (x, _) => TorchArithmetic.SumOfSquares(x));

    [Fact]
    public void NormMatchesTheReferenceOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.Norm), (x, _) => Reference.Norm(x), (x, _) => TorchArithmetic.Norm(x));

    [Fact]
    public void WholeTensorNormMatchesTheReferenceOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.WholeTensorNorm), (x, _) => Reference.WholeTensorNorm(x), (x, _) => TorchArithmetic.WholeTensorNorm(x));

    [Fact]
    public void SumMatchesTheReferenceOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.Sum), (x, _) => Reference.Sum(x), (x, _) => TorchArithmetic.Sum(x));

    [Fact]
    public void DotMatchesTheReferenceOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.Dot), (x, y) => Reference.Dot(x, y), (x, y) => TorchArithmetic.Dot(x, y));

    [Fact]
    public void DotOfDifferenceIsTheDotOfTheStoredDifferencesOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.DotOfDifference),
            (x, y) => Reference.Dot(x, y.Zip(Perturbed(y), (p0, p) => p0 - p).ToArray()),   // p0 - p, stored, then torch.dot(g, ...)
            (x, y) => TorchArithmetic.DotOfDifference(x, y, Perturbed(y)));

    /// <summary>A second operand near <paramref name="y"/>, so that y − it cancels in part: each element scaled by 0.75 to 1.25.</summary>
    private static float[] Perturbed(float[] y) => y.Select((v, i) => v * (1 + (i * 37 % 11 - 5) * 0.05f)).ToArray();

    [Fact]
    public void SumOfAbsolutesIsTheSumOfTheStoredAbsolutesOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.SumOfAbsolutes),
            (x, _) => Reference.Sum(x.Select(MathF.Abs).ToArray()),   // .abs(), stored, then .sum()
            (x, _) => TorchArithmetic.SumOfAbsolutes(x));

    [Fact]
    public void StridedNormMatchesTheReferenceOnEveryWidth()
    {
        foreach (int stride in new[] { 1, 3, 8 })
            ForEveryLengthAndData($"{nameof(TorchArithmetic.StridedNorm)} (stride {stride})",
                (x, _) => Reference.StridedNorm(x, 1, stride, Math.Max(0, (x.Length - 1 + stride - 1) / stride)),
                (x, _) => TorchArithmetic.StridedNorm(x, 1, stride, Math.Max(0, (x.Length - 1 + stride - 1) / stride)));
    }

    [Fact]
    public void FrobeniusNormMatchesTheReferenceOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.FrobeniusNorm),
            (x, _) => Reference.FrobeniusNorm(x, new float[x.Length + 5]), (x, _) => TorchArithmetic.FrobeniusNorm(x));

    [Fact]
    public void SumOfRoundedSquaresIsTheSumOfTheStoredSquaresOnEveryWidth() =>
        ForEveryLengthAndData(nameof(TorchArithmetic.SumOfRoundedSquares),
            (x, _) => Reference.Sum(x.Select(v => v * v).ToArray()),   // .pow(2), stored, then .sum()
            (x, _) => TorchArithmetic.SumOfRoundedSquares(x));

    [Fact]
    public void EveryReductionMatchesTheReferenceWhereTheCascadeStepGrows()
    {
        var x = Mixed(505, HugeLength);
        var y = Mixed(606, HugeLength);
        AssertEveryWidth(x, y, (a, _) => Reference.Sum(a), (a, _) => TorchArithmetic.Sum(a), $"Sum, n = {HugeLength}");
        AssertEveryWidth(x, y, (a, _) => Reference.SumOfSquares(a), (a, _) => TorchArithmetic.SumOfSquares(a), $"SumOfSquares, n = {HugeLength}");
        AssertEveryWidth(x, y, (a, _) => Reference.WholeTensorNorm(a), (a, _) => TorchArithmetic.WholeTensorNorm(a), $"WholeTensorNorm, n = {HugeLength}");
        AssertEveryWidth(x, y, (a, b) => Reference.Dot(a, b), (a, b) => TorchArithmetic.Dot(a, b), $"Dot, n = {HugeLength}");
    }

    /// <summary>
    /// The data tells orders apart: a plain left-to-right sum (fused for the squares and products, as one accumulator
    /// would) gives other bits than the reference for most lengths, and the long sums without <c>multi_row_sum</c>'s
    /// cascade levels (one set of four 8-lane rows) give other bits than with them.
    /// </summary>
    [Fact]
    public void TheDataTellsTheSummationOrdersApart()
    {
        var x = s_mixedX.Value;
        var y = s_mixedY.Value;
        int sums = 0, squares = 0, dots = 0, lengths = 0;
        foreach (int n in Lengths.Where(n => n >= 16))
        {
            var a = x[..n];
            var b = y[..n];
            float plain = 0, plainSquares = 0, plainDot = 0;
            for (int i = 0; i < n; i++)
            {
                plain += a[i];
                plainSquares = MathF.FusedMultiplyAdd(a[i], a[i], plainSquares);
                plainDot = MathF.FusedMultiplyAdd(a[i], b[i], plainDot);
            }
            lengths++;
            if (!Same(plain, Reference.Sum(a))) sums++;
            if (!Same(plainSquares, Reference.SumOfSquares(a))) squares++;
            if (!Same(plainDot, Reference.Dot(a, b))) dots++;
        }
        Assert.True(sums > lengths / 2, $"a left-to-right sum differs from the reference at {sums} of {lengths} lengths");
        Assert.True(squares > lengths / 2, $"a left-to-right sum of squares differs from the reference at {squares} of {lengths} lengths");
        Assert.True(dots > lengths / 2, $"a left-to-right dot product differs from the reference at {dots} of {lengths} lengths");

        foreach (int n in LongLengths.Where(n => n >= 65536))
            Assert.False(Same(FlatRowSum(x[..n]), Reference.Sum(x[..n])), $"n = {n}: the sum without cascade levels gives the reference's bits");
    }

    private static bool Same(float a, float b) => BitConverter.SingleToInt32Bits(a) == BitConverter.SingleToInt32Bits(b);

    /// <summary><see cref="Reference.Sum"/> with the cascade levels of <c>multi_row_sum</c> left out (n ≥ 8).</summary>
    private static float FlatRowSum(float[] x)
    {
        int vectors = x.Length / 8, groups = vectors / 4;
        var rows = new float[4, 8];
        for (int i = 0; i < groups; i++)
            for (int k = 0; k < 4; k++)
                for (int j = 0; j < 8; j++) rows[k, j] += x[(i * 4 + k) * 8 + j];
        for (int v = groups * 4; v < vectors; v++)
            for (int j = 0; j < 8; j++) rows[0, j] += x[v * 8 + j];
        for (int k = 1; k < 4; k++)
            for (int j = 0; j < 8; j++) rows[0, j] += rows[k, j];
        float sum = 0;
        for (int k = vectors * 8; k < x.Length; k++) sum += x[k];
        for (int j = 0; j < 8; j++) sum += rows[0, j];
        return sum;
    }

    /// <summary>
    /// The scalar implementation that reproduced PyTorch's recordings (tests/Descent.Tests/Conformance), kept
    /// verbatim as the oracle the vectorized forms must equal bit for bit.
    /// </summary>
    private static class Reference
    {
        private const int Lanes = 8;

        /// <summary>
        /// Σx² over <paramref name="x"/> in the order of torch's vectorized 2-norm over a contiguous last dimension
        /// (<c>norm_two_reduce_step</c>, <c>x.norm(2)</c>, <c>torch.norm(g, dim=-1)</c>): 8 lane sums of x·x (the
        /// compiler fuses <c>acc += x * x</c> into a multiply-add), folded lane 0 + 1 + ... + 7, then the tail elements
        /// fused in one by one. The norm is the float32 square root of this.
        /// </summary>
        public static float SumOfSquares(ReadOnlySpan<float> x)
        {
            float sum = LaneSumsOfSquares(x, out int d);
            for (; d < x.Length; d++) sum = MathF.FusedMultiplyAdd(x[d], x[d], sum);
            return sum;
        }

        /// <summary>
        /// The 8 lane sums of fused x·x over the whole groups of 8, folded lane 0 + 1 + ... + 7; <paramref name="tail"/>
        /// is where the elements left over start.
        /// </summary>
        private static float LaneSumsOfSquares(ReadOnlySpan<float> x, out int tail)
        {
            Span<float> acc = stackalloc float[Lanes];
            acc.Clear();
            tail = x.Length - x.Length % Lanes;
            for (int d = 0; d < tail; d += Lanes)
                for (int j = 0; j < Lanes; j++) acc[j] = MathF.FusedMultiplyAdd(x[d + j], x[d + j], acc[j]);
            float sum = acc[0];
            for (int j = 1; j < Lanes; j++) sum += acc[j];
            return sum;
        }

        /// <summary>The float32 2-norm of <paramref name="x"/> as torch's <c>x.norm(2)</c> computes it (see <see cref="SumOfSquares"/>).</summary>
        public static float Norm(ReadOnlySpan<float> x) => MathF.Sqrt(SumOfSquares(x));

        /// <summary>
        /// ‖v‖₂ of a whole tensor as <c>torch.norm(t, p=2)</c> computes it (SAM's gradient norms; found to reproduce the
        /// recordings): the same 8 lane sums of fused x·x as <see cref="SumOfSquares"/>, folded in order, but the tail
        /// elements squared (rounded) and then added, not fused; then the float32 square root.
        /// </summary>
        public static float WholeTensorNorm(ReadOnlySpan<float> v)
        {
            float sum = LaneSumsOfSquares(v, out int tail);
            for (int i = tail; i < v.Length; i++) sum += v[i] * v[i];
            return MathF.Sqrt(sum);
        }

        /// <summary>
        /// The float32 2-norm of a strided column (<c>g.norm(dim=-2)</c>): torch's generic reduction, one accumulator
        /// with a fused multiply-add per element in order.
        /// </summary>
        public static float StridedNorm(ReadOnlySpan<float> x, int start, int stride, int count)
        {
            float sum = 0;
            for (int i = 0; i < count; i++) sum = MathF.FusedMultiplyAdd(x[start + i * stride], x[start + i * stride], sum);
            return MathF.Sqrt(sum);
        }

        /// <summary>The Frobenius norm as torch 1.13's <c>frobenius_norm</c>: √Σ(x·x) with the squares rounded and summed by <see cref="Sum"/>.</summary>
        public static float FrobeniusNorm(ReadOnlySpan<float> x, Span<float> scratch)
        {
            for (int i = 0; i < x.Length; i++) scratch[i] = x[i] * x[i];
            return MathF.Sqrt(Sum(scratch[..x.Length]));
        }

        /// <summary>
        /// Σx over <paramref name="x"/> in the order of torch's <c>sum()</c> of a contiguous float32 tensor
        /// (<c>cascade_sum</c>): from 8 elements on, lane-wise sums of 8-wide vectors through <see cref="RowSum"/>, then
        /// the tail added to 0 element by element and the 8 lanes added to that in order; below 8, <see cref="RowSum"/>
        /// over single elements. A Frobenius norm (<c>X.norm(dim=(-2, -1))</c>) is the square root of this sum over the
        /// rounded squares.
        /// </summary>
        public static float Sum(ReadOnlySpan<float> x)
        {
            if (x.Length < Lanes) return RowSum(x, 1, x.Length)[0];
            int vectors = x.Length / Lanes;
            var lanes = RowSum(x, Lanes, vectors);
            float sum = 0;
            for (int k = vectors * Lanes; k < x.Length; k++) sum += x[k];
            foreach (float lane in lanes) sum += lane;
            return sum;
        }

        /// <summary>
        /// torch's <c>row_sum</c> over <paramref name="count"/> items of <paramref name="width"/> lanes: four partial sums
        /// over groups of four items (<see cref="MultiRowSum"/>), the leftover items added to the first, then the other
        /// three added to it.
        /// </summary>
        private static float[] RowSum(ReadOnlySpan<float> x, int width, int count)
        {
            const int Ilp = 4;
            int groups = count / Ilp;
            var partial = MultiRowSum(x, width, Ilp, groups);
            for (int i = groups * Ilp; i < count; i++) Add(partial[0], x.Slice(i * width, width));
            for (int k = 1; k < Ilp; k++) Add(partial[0], partial[k]);
            return partial[0];
        }

        /// <summary>
        /// torch's <c>multi_row_sum</c>: <paramref name="rows"/> running sums over <paramref name="count"/> groups, kept in
        /// four cascade levels of 2^max(4, ⌈log₂ count⌉/4) groups each so that long sums stay accurate.
        /// </summary>
        private static float[][] MultiRowSum(ReadOnlySpan<float> x, int width, int rows, int count)
        {
            const int Levels = 4;
            int power = Math.Max(4, CeilLog2(count) / Levels), step = 1 << power, mask = step - 1;
            var acc = new float[Levels][][];
            for (int l = 0; l < Levels; l++) { acc[l] = new float[rows][]; for (int k = 0; k < rows; k++) acc[l][k] = new float[width]; }
            int i = 0;
            while (i + step <= count)
            {
                for (int j = 0; j < step; j++, i++)
                    for (int k = 0; k < rows; k++) Add(acc[0][k], x.Slice((i * rows + k) * width, width));
                for (int l = 1; l < Levels; l++)
                {
                    for (int k = 0; k < rows; k++) { Add(acc[l][k], acc[l - 1][k]); Array.Clear(acc[l - 1][k]); }
                    if ((i & (mask << (l * power))) != 0) break;
                }
            }
            for (; i < count; i++)
                for (int k = 0; k < rows; k++) Add(acc[0][k], x.Slice((i * rows + k) * width, width));
            for (int l = 1; l < Levels; l++)
                for (int k = 0; k < rows; k++) Add(acc[0][k], acc[l][k]);
            return acc[0];
        }

        private static void Add(float[] into, ReadOnlySpan<float> values)
        {
            for (int j = 0; j < into.Length; j++) into[j] += values[j];
        }

        private static int CeilLog2(int x) => x <= 2 ? 1 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(x - 1));

        /// <summary>
        /// <c>torch.dot</c> as the recording machine's OpenBLAS (Cooperlake) <c>sdot</c> sums it, written element by
        /// element: blocks of 64 into four 16-lane fused accumulators folded to 8 lanes, blocks of 32 into four 8-lane
        /// ones, the four added in order, folded to 4 lanes, two horizontal adds; the tail's rounded products summed in
        /// double and added to that once.
        /// </summary>
        public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
        {
            int n = x.Length, blocked = n & ~31;
            float kernel = 0;
            if (blocked > 0)
            {
                Span<float> wide = stackalloc float[64];
                Span<float> acc = stackalloc float[32];
                wide.Clear();
                int i = 0;
                for (; i < (blocked & ~63); i += 64)
                    for (int j = 0; j < 64; j++) wide[j] = MathF.FusedMultiplyAdd(x[i + j], y[i + j], wide[j]);
                for (int k = 0; k < 4; k++)
                    for (int l = 0; l < 8; l++) acc[8 * k + l] = wide[16 * k + l] + wide[16 * k + 8 + l];
                for (; i < blocked; i += 32)
                    for (int j = 0; j < 32; j++) acc[j] = MathF.FusedMultiplyAdd(x[i + j], y[i + j], acc[j]);
                Span<float> sum = stackalloc float[8];
                for (int l = 0; l < 8; l++) sum[l] = ((acc[l] + acc[8 + l]) + acc[16 + l]) + acc[24 + l];
                Span<float> half = stackalloc float[4];
                for (int l = 0; l < 4; l++) half[l] = sum[l] + sum[4 + l];
                kernel = (half[0] + half[1]) + (half[2] + half[3]);
            }
            double tail = 0;
            for (int i = blocked; i < n; i++) tail += (float)(y[i] * x[i]);
            return (float)(tail + kernel);
        }
    }
}
