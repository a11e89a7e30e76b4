using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused ASGD update: one pass that decays and steps θ and updates the running average of θ.
/// The vector path rounds exactly as the scalar reference <see cref="StepReference"/> (the same operations in the
/// same order), so both give bit-identical results; large tensors are split across the compute threads in fixed
/// chunks, which changes no result since every element is independent.
/// </summary>
/// <remarks>
/// The operations are those torch.optim.ASGD (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-adds PyTorch's CPU kernels make: <c>add(x, alpha=a)</c> is
/// fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self). The same explicit fused
/// multiply-add is used on both paths (exactly rounded, so vector and scalar still agree bit for bit), which makes
/// the result equal PyTorch's bit for bit rather than within a few ulps.
/// </remarks>
internal static class ASGDKernel
{
    /// <summary>
    /// The float hyper-parameters as torch's kernels see them: <paramref name="Decay"/> is float(1 − λη) computed in
    /// double, <paramref name="NegEta"/> is −η, <paramref name="Mu"/> the averaging weight, used when
    /// <paramref name="Averaging"/> (μ ≠ 1); otherwise the average is a copy of θ.
    /// </summary>
    internal readonly record struct Hyper(float Decay, float NegEta, float Mu, bool Averaging, float WeightDecay, bool Maximize);

    /// <summary>Updates <paramref name="param"/> and <paramref name="ax"/> in place from <paramref name="grad"/>.</summary>
    public static unsafe void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> ax, Hyper h)
    {
        if (grad.Length != param.Length || ax.Length != param.Length)
            throw new ArgumentException("ASGD step: parameter, gradient and average lengths differ");
        int n = param.Length;
        if (n < ElementwiseChunks.ParallelThreshold || ComputeThreads.Count == 1)
        {
            StepSerial(param, grad, ax, h);
            return;
        }
        fixed (float* p = param, g = grad, a = ax)
            ElementwiseChunks.Run(n, new Body(p, g, a, h));
    }

    private readonly unsafe struct Body(float* p, float* g, float* a, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            StepSerial(new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length), new Span<float>(a + start, length), h);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> ax, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float a = ref MemoryMarshal.GetReference(ax);
            var decayFactor = Vector512.Create(h.Decay);
            var negEta = Vector512.Create(h.NegEta);
            var mu = Vector512.Create(h.Mu);
            var wd = Vector512.Create(h.WeightDecay);
            bool decay = h.WeightDecay != 0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (h.Maximize) gv = -gv;
                if (decay) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                pv *= decayFactor;
                pv = Vector512.FusedMultiplyAdd(gv, negEta, pv);
                pv.StoreUnsafe(ref p, (nuint)i);
                if (h.Averaging)
                {
                    var av = Vector512.LoadUnsafe(ref a, (nuint)i);
                    (av + (pv - av) * mu).StoreUnsafe(ref a, (nuint)i);
                }
                else
                {
                    pv.StoreUnsafe(ref a, (nuint)i);
                }
            }
        }
        StepReference(param[i..], grad[i..], ax[i..], h);
    }

    /// <summary>The scalar definition of the update, in the order of torch's single-tensor ASGD.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> ax, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            if (h.WeightDecay != 0) g = MathF.FusedMultiplyAdd(param[i], h.WeightDecay, g);
            float p = param[i] * h.Decay;
            p = MathF.FusedMultiplyAdd(g, h.NegEta, p);
            param[i] = p;
            ax[i] = h.Averaging ? ax[i] + (p - ax[i]) * h.Mu : p;
        }
    }
}
