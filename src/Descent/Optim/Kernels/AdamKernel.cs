using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adam / AdamW update: one pass that reads θ, g, m, v (and v̂max with AMSGrad) once and writes θ, m, v
/// (and v̂max) once. The vector path rounds exactly as the scalar reference <see cref="StepReference"/>: the same
/// float32 operations in the same order, so both give bit-identical results.
/// </summary>
/// <remarks>
/// The operations are those torch.optim.Adam / AdamW (1.13, single-tensor) perform one tensor op at a time, each
/// rounded to float32, including the two fused multiply-adds PyTorch's CPU kernels make:
/// <c>add(x, alpha=a)</c> is fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self). The same
/// fused multiply-add is used on both paths (exactly rounded, so vector and scalar still agree bit for bit), which
/// makes the result equal PyTorch's bit for bit rather than within an ulp.
/// </remarks>
internal static unsafe class AdamKernel
{
    /// <summary>The per-step scalars, already rounded to float32 as PyTorch's kernels receive them.</summary>
    internal readonly record struct Hyper(
        float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
        float WeightDecay, float DecayFactor, float NegStepSize, float BiasCorrection2Sqrt, float Eps,
        bool L2, bool Decoupled, bool Amsgrad, bool Maximize)
    {
        /// <summary>
        /// The scalars of update number <paramref name="step"/> (1-based), computed in double as PyTorch computes
        /// its Python floats: bias corrections 1 − βᵗ, step size lr / (1 − β₁ᵗ), √(1 − β₂ᵗ), 1 − lr·λ.
        /// </summary>
        public static Hyper For(double lr, double beta1, double beta2, double eps, double weightDecay,
            bool decoupled, bool amsgrad, bool maximize, long step)
        {
            double biasCorrection1 = 1 - Math.Pow(beta1, step);
            double biasCorrection2 = 1 - Math.Pow(beta2, step);
            double stepSize = lr / biasCorrection1;
            return new((float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
                (float)weightDecay, (float)(1 - lr * weightDecay), (float)-stepSize, (float)Math.Sqrt(biasCorrection2), (float)eps,
                L2: !decoupled && weightDecay != 0, Decoupled: decoupled, Amsgrad: amsgrad, Maximize: maximize);
        }
    }

    /// <summary>
    /// Updates <paramref name="param"/>, <paramref name="expAvg"/>, <paramref name="expAvgSq"/> (and
    /// <paramref name="maxExpAvgSq"/> with AMSGrad; otherwise it may be empty) in place; large tensors are split
    /// across the compute threads.
    /// </summary>
    public static void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, in Hyper h)
    {
        int n = param.Length;
        if (grad.Length != n || expAvg.Length != n || expAvgSq.Length != n || (h.Amsgrad && maxExpAvgSq.Length != n))
            throw new ArgumentException("Adam step: parameter, gradient and state lengths differ");
        if (n < ElementwiseChunks.ParallelThreshold)
        {
            StepSerial(param, grad, expAvg, expAvgSq, maxExpAvgSq, h);
            return;
        }
        fixed (float* p = param, g = grad, m = expAvg, v = expAvgSq, vmax = maxExpAvgSq)
            ElementwiseChunks.Run(n, new Chunk(p, g, m, v, vmax, h));
    }

    private readonly struct Chunk(float* p, float* g, float* m, float* v, float* vmax, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length) => StepSerial(
            new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length),
            new Span<float>(m + start, length), new Span<float>(v + start, length),
            h.Amsgrad ? new Span<float>(vmax + start, length) : [], h);
    }

    /// <summary>The single-threaded update: the vector loop, then the scalar reference for the tail.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float m = ref MemoryMarshal.GetReference(expAvg);
            ref float v = ref MemoryMarshal.GetReference(expAvgSq);
            ref float vmax = ref MemoryMarshal.GetReference(maxExpAvgSq);
            var beta1 = Vector512.Create(h.Beta1);
            var oneMinusBeta1 = Vector512.Create(h.OneMinusBeta1);
            var beta2 = Vector512.Create(h.Beta2);
            var oneMinusBeta2 = Vector512.Create(h.OneMinusBeta2);
            var wd = Vector512.Create(h.WeightDecay);
            var decay = Vector512.Create(h.DecayFactor);
            var negStepSize = Vector512.Create(h.NegStepSize);
            var bc2Sqrt = Vector512.Create(h.BiasCorrection2Sqrt);
            var eps = Vector512.Create(h.Eps);
            bool maximize = h.Maximize, decoupled = h.Decoupled, l2 = h.L2, amsgrad = h.Amsgrad;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (maximize) gv = -gv;
                if (decoupled) pv *= decay;
                else if (l2) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                var mv = Vector512.FusedMultiplyAdd(gv, oneMinusBeta1, Vector512.LoadUnsafe(ref m, (nuint)i) * beta1);
                var vv = Vector512.FusedMultiplyAdd(oneMinusBeta2 * gv, gv, Vector512.LoadUnsafe(ref v, (nuint)i) * beta2);
                mv.StoreUnsafe(ref m, (nuint)i);
                vv.StoreUnsafe(ref v, (nuint)i);
                if (amsgrad)
                {
                    vv = Vector512.Max(Vector512.LoadUnsafe(ref vmax, (nuint)i), vv);
                    vv.StoreUnsafe(ref vmax, (nuint)i);
                }
                var denom = Vector512.Sqrt(vv) / bc2Sqrt + eps;
                (pv + negStepSize * mv / denom).StoreUnsafe(ref p, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], expAvg[i..], expAvgSq[i..], h.Amsgrad ? maxExpAvgSq[i..] : [], h);
    }

    /// <summary>The scalar definition of the update, in PyTorch's order of operations.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> expAvg, Span<float> expAvgSq,
        Span<float> maxExpAvgSq, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            float p = param[i];
            if (h.Decoupled) p *= h.DecayFactor;                              // param.mul_(1 − lr·λ)
            else if (h.L2) g = MathF.FusedMultiplyAdd(p, h.WeightDecay, g);   // grad.add(param, alpha=λ)
            float m = MathF.FusedMultiplyAdd(g, h.OneMinusBeta1, expAvg[i] * h.Beta1);
            float v = MathF.FusedMultiplyAdd(h.OneMinusBeta2 * g, g, expAvgSq[i] * h.Beta2);
            expAvg[i] = m;
            expAvgSq[i] = v;
            if (h.Amsgrad)
            {
                v = MathF.Max(maxExpAvgSq[i], v);
                maxExpAvgSq[i] = v;
            }
            float denom = MathF.Sqrt(v) / h.BiasCorrection2Sqrt + h.Eps;
            param[i] = p + h.NegStepSize * m / denom;                         // addcdiv(m, denom, value=−step_size)
        }
    }
}
