using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Simd;

namespace Descent.Optim;

/// <summary>
/// The float32 roundings of the torch 1.13 CPU kernels (its AVX2 build, as the recordings were made) that the reference implementations of the modern optimizers
/// go through (see tests/Descent.Tests/Conformance/Fixtures/modern/README.md): <c>lerp</c>'s two formulas, the
/// order in which a 2-norm sums its squares and, for <c>torch.dot</c>, OpenBLAS's <c>sdot</c>. Replaying them is what
/// makes the recordings match bit for bit.
/// </summary>
/// <remarks>
/// The 8-lane accumulators of those kernels are written once against <see cref="IEightLanes{TSelf}"/> and run as one
/// Vector256 where <see cref="SimdPath.Width"/> allows it, else as two Vector128 or, forced to scalar, as eight
/// floats: lane-wise adds and fused multiply-adds round alike on every form, so the order and the bits are the same.
/// Tails and folds across lanes are scalar, in the kernels' order.
/// </remarks>
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
        tail = x.Length - x.Length % Lanes;
        Span<float> acc = stackalloc float[Lanes];
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float lanes = ref MemoryMarshal.GetReference(acc);
        switch (SimdPath.Width)
        {
            case >= SimdWidth.Vector256: LaneSumsOfSquares<EightLanes256>(ref source, tail).Store(ref lanes, 0); break;
            case SimdWidth.Vector128: LaneSumsOfSquares<EightLanes128>(ref source, tail).Store(ref lanes, 0); break;
            default: LaneSumsOfSquares<EightLanes1>(ref source, tail).Store(ref lanes, 0); break;
        }
        float sum = acc[0];
        for (int j = 1; j < Lanes; j++) sum += acc[j];
        return sum;
    }

    /// <summary>The 8 lane accumulators of fused x·x over the first <paramref name="whole"/> elements (a multiple of 8), in order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static L LaneSumsOfSquares<L>(ref float x, int whole) where L : struct, IEightLanes<L>
    {
        L acc = L.Zero;
        for (nuint d = 0; d < (nuint)whole; d += Lanes)
        {
            L v = L.Load(ref x, d);
            acc = L.FusedMultiplyAdd(v, v, acc);
        }
        return acc;
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

    /// <summary>
    /// The Frobenius norm as torch 1.13's <c>frobenius_norm</c>: √Σ(x·x) with the squares rounded and summed by
    /// <see cref="Sum"/> (<see cref="SumOfRoundedSquares"/>).
    /// </summary>
    public static float FrobeniusNorm(ReadOnlySpan<float> x) => MathF.Sqrt(SumOfRoundedSquares(x));

    /// <summary>
    /// Σx over <paramref name="x"/> in the order of torch's <c>sum()</c> of a contiguous float32 tensor
    /// (<c>cascade_sum</c>): from 8 elements on, lane-wise sums of 8-wide vectors through <see cref="RowSum{L, T}"/>, then
    /// the tail added to 0 element by element and the 8 lanes added to that in order; below 8, <c>row_sum</c> over
    /// single elements (<see cref="ShortSum{T}"/>). A Frobenius norm (<c>X.norm(dim=(-2, -1))</c>) is the square root of
    /// this sum over the rounded squares.
    /// </summary>
    public static float Sum(ReadOnlySpan<float> x) => Sum<Value>(x);

    /// <summary>
    /// Σx² as torch's <c>x.pow(2).sum()</c> computes it: <see cref="Sum"/> over the squares rounded to float32, each
    /// squared as it is read instead of stored first (LAMB's norms, a Frobenius norm).
    /// </summary>
    public static float SumOfRoundedSquares(ReadOnlySpan<float> x) => Sum<Square>(x);

    /// <summary>
    /// Σ|x| as torch's <c>x.abs().sum()</c> computes it: <see cref="Sum"/> over the absolute values, each taken as it is
    /// read instead of stored first (Prodigy's <c>s.abs().sum()</c>).
    /// </summary>
    public static float SumOfAbsolutes(ReadOnlySpan<float> x) => Sum<Absolute>(x);

    private static float Sum<T>(ReadOnlySpan<float> x) where T : struct, IElement
    {
        if (x.Length < Lanes) return ShortSum<T>(x);
        int vectors = x.Length / Lanes;
        Span<float> lanes = stackalloc float[Lanes];
        ref float source = ref MemoryMarshal.GetReference(x);
        ref float into = ref MemoryMarshal.GetReference(lanes);
        switch (SimdPath.Width)
        {
            case >= SimdWidth.Vector256: RowSum<EightLanes256, T>(ref source, vectors).Store(ref into, 0); break;
            case SimdWidth.Vector128: RowSum<EightLanes128, T>(ref source, vectors).Store(ref into, 0); break;
            default: RowSum<EightLanes1, T>(ref source, vectors).Store(ref into, 0); break;
        }
        float sum = 0;
        for (int k = vectors * Lanes; k < x.Length; k++) sum += T.Of(x[k]);
        foreach (float lane in lanes) sum += lane;
        return sum;
    }

    /// <summary>What a sum adds of each element it reads: the element, or its rounded square.</summary>
    private interface IElement
    {
        static abstract float Of(float x);

        static abstract L Of<L>(L x) where L : struct, IEightLanes<L>;
    }

    private readonly struct Value : IElement
    {
        public static float Of(float x) => x;

        public static L Of<L>(L x) where L : struct, IEightLanes<L> => x;
    }

    private readonly struct Square : IElement
    {
        public static float Of(float x) => x * x;

        public static L Of<L>(L x) where L : struct, IEightLanes<L> => x * x;
    }

    private readonly struct Absolute : IElement
    {
        public static float Of(float x) => MathF.Abs(x);

        public static L Of<L>(L x) where L : struct, IEightLanes<L> => L.Abs(x);
    }

    /// <summary>
    /// <c>row_sum</c> over fewer than 8 single elements, as <see cref="RowSum{L, T}"/> does it over vectors: four partial
    /// sums of a group of four (when there is one), each then added the three empty cascade levels; the leftover
    /// elements added to the first, then the other three added to it.
    /// </summary>
    private static float ShortSum<T>(ReadOnlySpan<float> x) where T : struct, IElement
    {
        const int Ilp = 4, Levels = 4;
        float p0 = 0, p1 = 0, p2 = 0, p3 = 0;
        int groups = x.Length / Ilp;
        if (groups > 0) { p0 += T.Of(x[0]); p1 += T.Of(x[1]); p2 += T.Of(x[2]); p3 += T.Of(x[3]); }
        for (int l = 1; l < Levels; l++) { p0 += 0f; p1 += 0f; p2 += 0f; p3 += 0f; }
        for (int i = groups * Ilp; i < x.Length; i++) p0 += T.Of(x[i]);
        p0 += p1;
        p0 += p2;
        p0 += p3;
        return p0;
    }

    /// <summary>
    /// torch's <c>row_sum</c> over <paramref name="count"/> 8-lane vectors: four partial sums over groups of four
    /// vectors (torch's <c>multi_row_sum</c>), the leftover vectors added to the first, then the other three added to
    /// it. <c>multi_row_sum</c> keeps its four running sums in four cascade levels of 2^max(4, ⌈log₂ groups⌉/4) groups
    /// each so that long sums stay accurate: level 0 takes the vectors, and each time it has taken a whole step of
    /// groups it is added into level 1 and cleared, level 1 into level 2 when the group count is a multiple of
    /// step², and level 2 into level 3 at step³; at the end levels 1, 2, 3 are added into level 0 in that order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static L RowSum<L, T>(ref float x, int count) where L : struct, IEightLanes<L> where T : struct, IElement
    {
        const int Ilp = 4, Levels = 4, Group = Ilp * Lanes;
        int groups = count / Ilp;
        int power = Math.Max(4, CeilLog2(groups) / Levels), step = 1 << power, mask = step - 1;
        L a0 = L.Zero, a1 = L.Zero, a2 = L.Zero, a3 = L.Zero;       // level 0, one per row
        L b0 = L.Zero, b1 = L.Zero, b2 = L.Zero, b3 = L.Zero;       // level 1
        L c0 = L.Zero, c1 = L.Zero, c2 = L.Zero, c3 = L.Zero;       // level 2
        L d0 = L.Zero, d1 = L.Zero, d2 = L.Zero, d3 = L.Zero;       // level 3
        int i = 0;
        nuint at = 0;
        while (i + step <= groups)
        {
            for (int j = 0; j < step; j++, i++, at += Group)
            {
                a0 += T.Of(L.Load(ref x, at));
                a1 += T.Of(L.Load(ref x, at + Lanes));
                a2 += T.Of(L.Load(ref x, at + 2 * Lanes));
                a3 += T.Of(L.Load(ref x, at + 3 * Lanes));
            }
            b0 += a0; b1 += a1; b2 += a2; b3 += a3;
            a0 = L.Zero; a1 = L.Zero; a2 = L.Zero; a3 = L.Zero;
            if ((i & (mask << power)) != 0) continue;
            c0 += b0; c1 += b1; c2 += b2; c3 += b3;
            b0 = L.Zero; b1 = L.Zero; b2 = L.Zero; b3 = L.Zero;
            if ((i & (mask << (2 * power))) != 0) continue;
            d0 += c0; d1 += c1; d2 += c2; d3 += c3;
            c0 = L.Zero; c1 = L.Zero; c2 = L.Zero; c3 = L.Zero;
        }
        for (; i < groups; i++, at += Group)
        {
            a0 += T.Of(L.Load(ref x, at));
            a1 += T.Of(L.Load(ref x, at + Lanes));
            a2 += T.Of(L.Load(ref x, at + 2 * Lanes));
            a3 += T.Of(L.Load(ref x, at + 3 * Lanes));
        }
        a0 += b0; a1 += b1; a2 += b2; a3 += b3;
        a0 += c0; a1 += c1; a2 += c2; a3 += c3;
        a0 += d0; a1 += d1; a2 += d2; a3 += d3;

        for (int v = groups * Ilp; v < count; v++) a0 += T.Of(L.Load(ref x, (nuint)v * Lanes));
        a0 += a1;
        a0 += a2;
        a0 += a3;
        return a0;
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
        if (y.Length < x.Length) throw new ArgumentException("y is shorter than x.", nameof(y));
        return Dot<Plain>(x, y, y);
    }

    /// <summary>
    /// <see cref="Dot"/> of <paramref name="x"/> and a − b (<c>torch.dot(x, a - b)</c>), each difference rounded to
    /// float32 as the tensor <c>a - b</c> would hold it, but taken as it is read instead of stored first (Prodigy's
    /// <c>dot(g, p0 - p)</c>): the same bits as <see cref="Dot"/> over the stored differences.
    /// </summary>
    public static float DotOfDifference(ReadOnlySpan<float> x, ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        if (a.Length < x.Length || b.Length < x.Length) throw new ArgumentException("a or b is shorter than x.");
        return Dot<Difference>(x, a, b);
    }

    private static float Dot<Y>(ReadOnlySpan<float> x, ReadOnlySpan<float> a, ReadOnlySpan<float> b) where Y : struct, IOperand
    {
        int n = x.Length, blocked = n & ~31;
        float kernel = 0f;
        if (blocked > 0)
        {
            ref float xs = ref MemoryMarshal.GetReference(x);
            ref float@as = ref MemoryMarshal.GetReference(a);
            ref float bs = ref MemoryMarshal.GetReference(b);
            kernel = SimdPath.Width switch
            {
                >= SimdWidth.Vector256 => DotKernel<EightLanes256, Y>(ref xs, ref @as, ref bs, blocked),
                SimdWidth.Vector128 => DotKernel<EightLanes128, Y>(ref xs, ref @as, ref bs, blocked),
                _ => DotKernel<EightLanes1, Y>(ref xs, ref @as, ref bs, blocked),
            };
        }
        double tail = 0;
        for (int i = blocked; i < n; i++) tail += (float)(Y.Of(a[i], b[i]) * x[i]);   // each product rounded to float, summed in double
        return (float)(tail + kernel);
    }

    /// <summary>The second operand of a dot product, read from one span (a) or two (a − b).</summary>
    private interface IOperand
    {
        static abstract float Of(float a, float b);

        static abstract L Load<L>(ref float a, ref float b, nuint index) where L : struct, IEightLanes<L>;
    }

    private readonly struct Plain : IOperand
    {
        public static float Of(float a, float b) => a;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static L Load<L>(ref float a, ref float b, nuint index) where L : struct, IEightLanes<L> => L.Load(ref a, index);
    }

    private readonly struct Difference : IOperand
    {
        public static float Of(float a, float b) => a - b;

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public static L Load<L>(ref float a, ref float b, nuint index) where L : struct, IEightLanes<L> => L.Load(ref a, index) - L.Load(ref b, index);
    }

    /// <summary>
    /// The vector part of <see cref="Dot"/> over the first <paramref name="blocked"/> (a multiple of 32) elements:
    /// blocks of 64 into four 16-lane fused accumulators (eight 8-lane halves, w₂ₖ and w₂ₖ₊₁ the halves of
    /// accumulator k), each folded high half onto low; then blocks of 32 into those four 8-lane accumulators; the four
    /// added in order, folded to 4 lanes and finished by two horizontal adds.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float DotKernel<L, Y>(ref float x, ref float a, ref float b, int blocked) where L : struct, IEightLanes<L> where Y : struct, IOperand
    {
        L w0 = L.Zero, w1 = L.Zero, w2 = L.Zero, w3 = L.Zero, w4 = L.Zero, w5 = L.Zero, w6 = L.Zero, w7 = L.Zero;
        nuint i = 0, wide = (nuint)(blocked & ~63), end = (nuint)blocked;
        for (; i < wide; i += 8 * Lanes)
        {
            w0 = L.FusedMultiplyAdd(L.Load(ref x, i), Y.Load<L>(ref a, ref b, i), w0);
            w1 = L.FusedMultiplyAdd(L.Load(ref x, i + Lanes), Y.Load<L>(ref a, ref b, i + Lanes), w1);
            w2 = L.FusedMultiplyAdd(L.Load(ref x, i + 2 * Lanes), Y.Load<L>(ref a, ref b, i + 2 * Lanes), w2);
            w3 = L.FusedMultiplyAdd(L.Load(ref x, i + 3 * Lanes), Y.Load<L>(ref a, ref b, i + 3 * Lanes), w3);
            w4 = L.FusedMultiplyAdd(L.Load(ref x, i + 4 * Lanes), Y.Load<L>(ref a, ref b, i + 4 * Lanes), w4);
            w5 = L.FusedMultiplyAdd(L.Load(ref x, i + 5 * Lanes), Y.Load<L>(ref a, ref b, i + 5 * Lanes), w5);
            w6 = L.FusedMultiplyAdd(L.Load(ref x, i + 6 * Lanes), Y.Load<L>(ref a, ref b, i + 6 * Lanes), w6);
            w7 = L.FusedMultiplyAdd(L.Load(ref x, i + 7 * Lanes), Y.Load<L>(ref a, ref b, i + 7 * Lanes), w7);
        }
        L a0 = w0 + w1, a1 = w2 + w3, a2 = w4 + w5, a3 = w6 + w7;
        for (; i < end; i += 4 * Lanes)
        {
            a0 = L.FusedMultiplyAdd(L.Load(ref x, i), Y.Load<L>(ref a, ref b, i), a0);
            a1 = L.FusedMultiplyAdd(L.Load(ref x, i + Lanes), Y.Load<L>(ref a, ref b, i + Lanes), a1);
            a2 = L.FusedMultiplyAdd(L.Load(ref x, i + 2 * Lanes), Y.Load<L>(ref a, ref b, i + 2 * Lanes), a2);
            a3 = L.FusedMultiplyAdd(L.Load(ref x, i + 3 * Lanes), Y.Load<L>(ref a, ref b, i + 3 * Lanes), a3);
        }
        Span<float> sum = stackalloc float[Lanes];
        (((a0 + a1) + a2) + a3).Store(ref MemoryMarshal.GetReference(sum), 0);
        float h0 = sum[0] + sum[4], h1 = sum[1] + sum[5], h2 = sum[2] + sum[6], h3 = sum[3] + sum[7];
        return (h0 + h1) + (h2 + h3);
    }
}
