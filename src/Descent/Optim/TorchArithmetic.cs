namespace Descent.Optim;

/// <summary>
/// The float32 roundings of the torch 1.13 CPU kernels (its AVX2 build, as the recordings were made) that the reference implementations of the modern optimizers
/// go through (see tests/Descent.Tests/Conformance/Fixtures/modern/README.md): <c>lerp</c>'s two formulas, the
/// order in which a 2-norm sums its squares and, for <c>torch.dot</c>, OpenBLAS's <c>sdot</c>. Replaying them is what
/// makes the recordings match bit for bit.
/// </summary>
internal static class TorchArithmetic
{
    /// <summary>Lanes of the float vector torch 1.13's CPU reductions accumulate in (its AVX2 kernels: 8).</summary>
    private const int Lanes = 8;

    /// <summary>
    /// torch's <c>a.lerp(b, w)</c> with w already rounded to float32: a + w(b − a) as one fused multiply-add when
    /// |w| &lt; 0.5, else b − (b − a)(1 − w), also fused, so that w = 1 gives b exactly.
    /// </summary>
    public static float Lerp(float a, float b, float w)
    {
        float d = b - a;
        return MathF.Abs(w) < 0.5f ? MathF.FusedMultiplyAdd(w, d, a) : MathF.FusedMultiplyAdd(-d, 1f - w, b);
    }

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
    /// <c>torch.dot</c> of two float32 vectors as torch 1.13 computed it for the recordings: ATen's CPU <c>dot</c>
    /// calls BLAS <c>sdot_</c>, here OpenBLAS 0.3.21 (Debian's libtorch 1.13.1 over <c>libblas.so.3</c>), whose
    /// DYNAMIC_ARCH picks the Cooperlake kernels on the recording CPU (AMD Zen 4: AVX-512 with BF16). Its
    /// <c>sdot</c> (<c>kernel/x86_64/sdot.c</c> with <c>sdot_microk_skylakex-2.c</c>, compiled with FMA contraction):
    /// the first n &amp; −32 elements in a vector kernel — blocks of 64 into four 16-lane fused accumulators, each
    /// folded to 8 lanes (low half + high half), then blocks of 32 into the same four 8-lane accumulators; the four
    /// added in order ((a₀ + a₁) + a₂) + a₃, that folded to 4 lanes (low + high) and summed by two horizontal adds,
    /// (h₀ + h₁) + (h₂ + h₃), to a float. The other n mod 32 products are rounded to float one by one and summed
    /// in <em>double</em> from 0; the kernel's float is added to that double, and the result rounded to float once.
    /// </summary>
    /// <remarks>
    /// The double tail is the same on every x86-64 kernel of that OpenBLAS; the vector part is not: on a CPU without
    /// AVX-512 (Haswell and Zen 1–3 kernels) each 8-lane accumulator is folded to 4 lanes first and the four are added
    /// pairwise, (a₀ + a₁) + (a₂ + a₃). That order (verified there against <c>torch.dot</c> and <c>sdot_</c>, bit
    /// for bit on thousands of vectors) does not reproduce the recordings; this one does, on every recorded step of
    /// Prodigy's (vectors of 1, 7, 33 and 51 elements, so the 64-blocks are not exercised by them).
    /// </remarks>
    public static float Dot(ReadOnlySpan<float> x, ReadOnlySpan<float> y)
    {
        int n = x.Length, blocked = n & ~31;
        float kernel = blocked > 0 ? DotKernel(x, y, blocked) : 0f;
        double tail = 0;
        for (int i = blocked; i < n; i++) tail += (float)(y[i] * x[i]);   // each product rounded to float, summed in double
        return (float)(tail + kernel);
    }

    /// <summary>The vector part of <see cref="Dot"/> over the first <paramref name="blocked"/> (a multiple of 32) elements.</summary>
    private static float DotKernel(ReadOnlySpan<float> x, ReadOnlySpan<float> y, int blocked)
    {
        Span<float> wide = stackalloc float[64];     // four 16-lane accumulators
        Span<float> acc = stackalloc float[32];      // four 8-lane accumulators
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
        return (half[0] + half[1]) + (half[2] + half[3]);
    }
}
