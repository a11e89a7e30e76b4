using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused NAdam update: one pass that reads θ, g, m, v once and writes θ, m, v once. The vector path rounds
/// exactly as the scalar reference <see cref="StepReference"/> (same float32 operations in the same order, with
/// PyTorch's fused multiply-adds on both paths), so both give bit-identical results.
/// </summary>
internal static unsafe class NAdamKernel
{
    /// <summary>
    /// The per-step scalars, already rounded to float32 as PyTorch's kernels receive them. GradCoefficient is
    /// −γ(1 − μₜ)/(1 − Π), the factor of g; AvgCoefficient is −γμₜ₊₁/(1 − Π·μₜ·μₜ₊₁), the factor of m (PyTorch 1.13
    /// applies μₜ twice), where Π = μ₁⋯μₜ.
    /// </summary>
    internal readonly record struct Hyper(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float WeightDecay, float BiasCorrection2, float Eps, float GradCoefficient, float AvgCoefficient, bool L2);

    /// <summary>Updates θ, m ("exp_avg") and v ("exp_avg_sq") in place; large tensors are split across the compute threads.</summary>
    public static void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq, in Hyper h)
    {
        int n = param.Length;
        if (grad.Length != n || expAvg.Length != n || expAvgSq.Length != n)
            throw new ArgumentException("NAdam step: parameter, gradient and state lengths differ");
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
            var bc2 = Vector512.Create(h.BiasCorrection2);
            var eps = Vector512.Create(h.Eps);
            var gradCoefficient = Vector512.Create(h.GradCoefficient);
            var avgCoefficient = Vector512.Create(h.AvgCoefficient);
            bool l2 = h.L2;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (l2) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                var mv = Vector512.FusedMultiplyAdd(gv, oneMinusBeta1, Vector512.LoadUnsafe(ref m, (nuint)i) * beta1);
                var vv = Vector512.FusedMultiplyAdd(oneMinusBeta2 * gv, gv, Vector512.LoadUnsafe(ref v, (nuint)i) * beta2);
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                var denom = Vector512.Sqrt(vv / bc2) + eps;
                pv += gradCoefficient * gv / denom;
                pv += avgCoefficient * mv / denom;
                pv.StoreUnsafe(ref p, (nuint)i);
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
            if (h.L2) g = MathF.FusedMultiplyAdd(p, h.WeightDecay, g);           // grad.add(param, alpha=λ)
            float m = MathF.FusedMultiplyAdd(g, h.OneMinusBeta1, expAvg[i] * h.Beta1);
            float v = MathF.FusedMultiplyAdd(h.OneMinusBeta2 * g, g, expAvgSq[i] * h.Beta2);
            expAvg[i] = m;
            expAvgSq[i] = v;
            float denom = MathF.Sqrt(v / h.BiasCorrection2) + h.Eps;
            p += h.GradCoefficient * g / denom;                                 // addcdiv(g, denom, value=c₁)
            p += h.AvgCoefficient * m / denom;                                  // addcdiv(m, denom, value=c₂)
            param[i] = p;
        }
    }
}
