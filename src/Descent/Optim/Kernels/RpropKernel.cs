using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Rprop update: one pass over θ, g, the previous gradient and the per-element step sizes. The vector
/// path equals the scalar reference <see cref="StepReference"/> bit for bit (the same comparisons, selections and
/// arithmetic in the same order); large tensors are split across the compute threads in fixed chunks, which
/// changes no result. torch's <c>addcmul</c> fuses −sign(g)·s with θ, but that product is exact (±s or ±0), so the
/// plain multiply and add here round identically.
/// </summary>
internal static class RpropKernel
{
    /// <summary>The float hyper-parameters as torch's kernels see them.</summary>
    internal readonly record struct Hyper(float EtaMinus, float EtaPlus, float StepSizeMin, float StepSizeMax, bool Maximize);

    /// <summary>Updates <paramref name="param"/>, <paramref name="prev"/> and <paramref name="stepSize"/> in place.</summary>
    public static unsafe void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> prev, Span<float> stepSize, Hyper h)
    {
        if (grad.Length != param.Length || prev.Length != param.Length || stepSize.Length != param.Length)
            throw new ArgumentException("Rprop step: parameter, gradient and buffer lengths differ");
        int n = param.Length;
        if (n < ElementwiseChunks.ParallelThreshold || ComputeThreads.Count == 1)
        {
            StepSerial(param, grad, prev, stepSize, h);
            return;
        }
        fixed (float* p = param, g = grad, q = prev, s = stepSize)
            ElementwiseChunks.Run(n, new Body(p, g, q, s, h));
    }

    private readonly unsafe struct Body(float* p, float* g, float* q, float* s, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            StepSerial(new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length),
                new Span<float>(q + start, length), new Span<float>(s + start, length), h);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> prev, Span<float> stepSize, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float q = ref MemoryMarshal.GetReference(prev);
            ref float s = ref MemoryMarshal.GetReference(stepSize);
            var etaMinus = Vector512.Create(h.EtaMinus);
            var etaPlus = Vector512.Create(h.EtaPlus);
            var lo = Vector512.Create(h.StepSizeMin);
            var hi = Vector512.Create(h.StepSizeMax);
            var one = Vector512<float>.One;
            var zero = Vector512<float>.Zero;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (h.Maximize) gv = -gv;
                var product = gv * Vector512.LoadUnsafe(ref q, (nuint)i);
                var factor = Vector512.ConditionalSelect(Vector512.GreaterThan(product, zero), etaPlus,
                    Vector512.ConditionalSelect(Vector512.LessThan(product, zero), etaMinus, one));
                var sv = Vector512.Min(Vector512.Max(Vector512.LoadUnsafe(ref s, (nuint)i) * factor, lo), hi);
                sv.StoreUnsafe(ref s, (nuint)i);
                gv = Vector512.ConditionalSelect(Vector512.Equals(factor, etaMinus), zero, gv);
                var sign = Vector512.ConditionalSelect(Vector512.GreaterThan(gv, zero), one, zero)
                    - Vector512.ConditionalSelect(Vector512.LessThan(gv, zero), one, zero);
                (Vector512.LoadUnsafe(ref p, (nuint)i) + -sign * sv).StoreUnsafe(ref p, (nuint)i);
                gv.StoreUnsafe(ref q, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], prev[i..], stepSize[i..], h);
    }

    /// <summary>The scalar definition of the update, in the order of torch 1.13's single-tensor Rprop.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> prev, Span<float> stepSize, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            // torch: sign(g·prev) mapped to η+ (> 0), η− (< 0) or 1 (0, and NaN, whose sign torch takes as 0).
            float product = g * prev[i];
            float factor = product > 0f ? h.EtaPlus : product < 0f ? h.EtaMinus : 1f;
            float s = MathF.Min(MathF.Max(stepSize[i] * factor, h.StepSizeMin), h.StepSizeMax);
            stepSize[i] = s;
            // torch zeroes the gradient where the factor equals η− (the sign flipped): no step, and no flip next time.
            if (factor == h.EtaMinus) g = 0f;
            float sign = (g > 0f ? 1f : 0f) - (g < 0f ? 1f : 0f);
            param[i] += -sign * s;
            prev[i] = g;
        }
    }
}
