using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused SGD update: one pass that reads θ, g and the momentum buffer once and writes θ and the buffer once.
/// The vector path rounds exactly as the scalar reference <see cref="StepReference"/> (same operations in the same
/// order, no fused multiply-add), so both give bit-identical results.
/// </summary>
internal static class SgdKernel
{
    internal readonly record struct Hyper(float Lr, float Momentum, float Dampening, float WeightDecay, bool Nesterov, bool Maximize);

    public static void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer, Hyper h, bool firstStep)
    {
        if (grad.Length != param.Length || (h.Momentum != 0 && buffer.Length != param.Length))
            throw new ArgumentException("SGD step: parameter, gradient and buffer lengths differ");
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float b = ref MemoryMarshal.GetReference(buffer);
            var lr = Vector512.Create(h.Lr);
            var mu = Vector512.Create(h.Momentum);
            var oneMinusTau = Vector512.Create(1f - h.Dampening);
            var wd = Vector512.Create(h.WeightDecay);
            bool momentum = h.Momentum != 0, decay = h.WeightDecay != 0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (h.Maximize) gv = -gv;
                if (decay) gv += wd * pv;
                if (momentum)
                {
                    var bv = firstStep ? gv : mu * Vector512.LoadUnsafe(ref b, (nuint)i) + oneMinusTau * gv;
                    bv.StoreUnsafe(ref b, (nuint)i);
                    gv = h.Nesterov ? gv + mu * bv : bv;
                }
                (pv - lr * gv).StoreUnsafe(ref p, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], h.Momentum != 0 ? buffer[i..] : [], h, firstStep);
    }

    /// <summary>The scalar definition of the update.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer, Hyper h, bool firstStep)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            if (h.WeightDecay != 0) g += h.WeightDecay * param[i];
            if (h.Momentum != 0)
            {
                float b = firstStep ? g : h.Momentum * buffer[i] + (1f - h.Dampening) * g;
                buffer[i] = b;
                g = h.Nesterov ? g + h.Momentum * b : b;
            }
            param[i] -= h.Lr * g;
        }
    }
}
