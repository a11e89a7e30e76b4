using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adamax update: one pass that reads θ, g, m, u once and writes θ, m, u once. The vector path rounds
/// exactly as the scalar reference <see cref="StepReference"/> (same float32 operations in the same order, with the
/// fused multiply-adds of PyTorch's <c>add(alpha=)</c> on both paths), so both give bit-identical results.
/// </summary>
internal static unsafe class AdamaxKernel
{
    /// <summary>The per-step scalars, already rounded to float32 as PyTorch's kernels receive them.</summary>
    internal readonly record struct Hyper(float Beta1, float OneMinusBeta1, float Beta2, float WeightDecay,
        float NegClr, float Eps, bool L2, bool Maximize)
    {
        /// <summary>The scalars of update <paramref name="step"/>: clr = lr / (1 − β₁ᵗ), computed in double.</summary>
        public static Hyper For(double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize, long step)
        {
            double clr = lr / (1 - Math.Pow(beta1, step));
            return new((float)beta1, (float)(1 - beta1), (float)beta2, (float)weightDecay, (float)-clr, (float)eps,
                L2: weightDecay != 0, Maximize: maximize);
        }
    }

    /// <summary>Updates θ, m ("exp_avg") and u ("exp_inf") in place; large tensors are split across the compute threads.</summary>
    public static void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expInf, in Hyper h)
    {
        int n = param.Length;
        if (grad.Length != n || expAvg.Length != n || expInf.Length != n)
            throw new ArgumentException("Adamax step: parameter, gradient and state lengths differ");
        if (n < ElementwiseChunks.ParallelThreshold)
        {
            StepSerial(param, grad, expAvg, expInf, h);
            return;
        }
        fixed (float* p = param, g = grad, m = expAvg, u = expInf)
            ElementwiseChunks.Run(n, new Chunk(p, g, m, u, h));
    }

    private readonly struct Chunk(float* p, float* g, float* m, float* u, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length) => StepSerial(
            new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length),
            new Span<float>(m + start, length), new Span<float>(u + start, length), h);
    }

    /// <summary>The single-threaded update: the vector loop, then the scalar reference for the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expInf, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float m = ref MemoryMarshal.GetReference(expAvg);
            ref float u = ref MemoryMarshal.GetReference(expInf);
            var beta1 = Vector512.Create(h.Beta1);
            var oneMinusBeta1 = Vector512.Create(h.OneMinusBeta1);
            var beta2 = Vector512.Create(h.Beta2);
            var wd = Vector512.Create(h.WeightDecay);
            var negClr = Vector512.Create(h.NegClr);
            var eps = Vector512.Create(h.Eps);
            bool maximize = h.Maximize, l2 = h.L2;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (maximize) gv = -gv;
                if (l2) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                var mv = Vector512.FusedMultiplyAdd(gv, oneMinusBeta1, Vector512.LoadUnsafe(ref m, (nuint)i) * beta1);
                var uv = Vector512.Max(Vector512.LoadUnsafe(ref u, (nuint)i) * beta2, Vector512.Abs(gv) + eps);
                mv.StoreUnsafe(ref m, (nuint)i);
                uv.StoreUnsafe(ref u, (nuint)i);
                (pv + negClr * mv / uv).StoreUnsafe(ref p, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], expAvg[i..], expInf[i..], h);
    }

    /// <summary>The scalar definition of the update, in PyTorch's order of operations.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expInf, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            float p = param[i];
            if (h.L2) g = MathF.FusedMultiplyAdd(p, h.WeightDecay, g);          // grad.add(param, alpha=λ)
            float m = MathF.FusedMultiplyAdd(g, h.OneMinusBeta1, expAvg[i] * h.Beta1);
            float u = MathF.Max(expInf[i] * h.Beta2, MathF.Abs(g) + h.Eps);    // amax(cat(β₂u, |g| + ε))
            expAvg[i] = m;
            expInf[i] = u;
            param[i] = p + h.NegClr * m / u;                                 // addcdiv(m, u, value=−clr)
        }
    }
}
