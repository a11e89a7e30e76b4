using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused RAdam update: one pass that reads θ, g, m, v once and writes θ, m, v once. The vector path rounds
/// exactly as the scalar reference <see cref="StepReference"/> (same float32 operations in the same order, with
/// PyTorch's fused multiply-adds on both paths), so both give bit-identical results.
/// </summary>
internal static unsafe class RAdamKernel
{
    /// <summary>
    /// The per-step scalars, already rounded to float32 as PyTorch's kernels receive them. Rectified is whether
    /// ρₜ &gt; 5: the adaptive, rectified step; otherwise the un-adapted momentum step.
    /// </summary>
    internal readonly record struct Hyper(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float WeightDecay, float BiasCorrection1, float Lr, float BiasCorrection2Sqrt, float Rect, float Eps,
        bool L2, bool Rectified)
    {
        /// <summary>
        /// The scalars of update <paramref name="step"/>, computed in double as PyTorch does: ρ∞ = 2/(1 − β₂) − 1,
        /// ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ) and, when ρₜ &gt; 5, r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)).
        /// </summary>
        public static Hyper For(double lr, double beta1, double beta2, double eps, double weightDecay, long step)
        {
            double t = step;
            double biasCorrection1 = 1 - Math.Pow(beta1, t);
            double biasCorrection2 = 1 - Math.Pow(beta2, t);
            double rhoInf = 2 / (1 - beta2) - 1;
            double rhoT = rhoInf - 2 * t * Math.Pow(beta2, t) / biasCorrection2;
            bool rectified = rhoT > 5.0;
            double rect = rectified ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
            return new((float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)weightDecay,
                (float)biasCorrection1, (float)lr, (float)Math.Sqrt(biasCorrection2), (float)rect, (float)eps,
                L2: weightDecay != 0, Rectified: rectified);
        }
    }

    /// <summary>Updates θ, m ("exp_avg") and v ("exp_avg_sq") in place; large tensors are split across the compute threads.</summary>
    public static void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, in Hyper h)
    {
        int n = param.Length;
        if (grad.Length != n || expAvg.Length != n || expAvgSq.Length != n)
            throw new ArgumentException("RAdam step: parameter, gradient and state lengths differ");
        if (n < ElementwiseChunks.ParallelThreshold)
        {
            StepSerial(param, grad, expAvg, expAvgSq, h);
            return;
        }
        fixed (float* p = param, g = grad, m = expAvg, v = expAvgSq)
            ElementwiseChunks.Run(n, new Chunk(p, g, m, v, h));
    }

    private readonly struct Chunk(float* p, float* g, float* m, float* v, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length) => StepSerial(
            new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length),
            new Span<float>(m + start, length), new Span<float>(v + start, length), h);
    }

    /// <summary>The single-threaded update: the vector loop, then the scalar reference for the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float m = ref MemoryMarshal.GetReference(expAvg);
            ref float v = ref MemoryMarshal.GetReference(expAvgSq);
            var beta1 = Vector512.Create(h.Beta1);
            var oneMinusBeta1 = Vector512.Create(h.OneMinusBeta1);
            var beta2 = Vector512.Create(h.Beta2);
            var oneMinusBeta2 = Vector512.Create(h.OneMinusBeta2);
            var wd = Vector512.Create(h.WeightDecay);
            var bc1 = Vector512.Create(h.BiasCorrection1);
            var lr = Vector512.Create(h.Lr);
            var bc2Sqrt = Vector512.Create(h.BiasCorrection2Sqrt);
            var rect = Vector512.Create(h.Rect);
            var eps = Vector512.Create(h.Eps);
            var one = Vector512<float>.One;
            bool l2 = h.L2, rectified = h.Rectified;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (l2) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                var mv = Vector512.FusedMultiplyAdd(gv, oneMinusBeta1, Vector512.LoadUnsafe(ref m, (nuint)i) * beta1);
                var vv = Vector512.FusedMultiplyAdd(oneMinusBeta2 * gv, gv, Vector512.LoadUnsafe(ref v, (nuint)i) * beta2);
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                var update = mv / bc1 * lr;
                if (rectified) update = update * (one / (Vector512.Sqrt(vv) + eps) * bc2Sqrt) * rect;
                (pv - update).StoreUnsafe(ref p, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], expAvg[i..], expAvgSq[i..], h);
    }

    /// <summary>The scalar definition of the update, in PyTorch's order of operations.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = grad[i];
            float p = param[i];
            if (h.L2) g = MathF.FusedMultiplyAdd(p, h.WeightDecay, g);         // grad.add(param, alpha=λ)
            float m = MathF.FusedMultiplyAdd(g, h.OneMinusBeta1, expAvg[i] * h.Beta1);
            float v = MathF.FusedMultiplyAdd(h.OneMinusBeta2 * g, g, expAvgSq[i] * h.Beta2);
            expAvg[i] = m;
            expAvgSq[i] = v;
            float update = m / h.BiasCorrection1 * h.Lr;                       // (exp_avg / bias_correction1) * lr
            if (h.Rectified)
            {
                float adaptiveLr = 1f / (MathF.Sqrt(v) + h.Eps) * h.BiasCorrection2Sqrt;   // √bc2 / (√v + ε), as reciprocal · scalar
                update = update * adaptiveLr * h.Rect;
            }
            param[i] = p - update;                                          // add_(update, alpha=−1)
        }
    }
}
