using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused SGD update: one pass that reads θ, g and the momentum buffer once and writes θ and the buffer once.
/// Each line rounds as PyTorch 1.13's CPU kernels do (every <c>add_(x, alpha=a)</c> is one fused multiply-add with
/// a rounded to float32), so the results equal torch.optim.SGD bit for bit; the vector path performs the same
/// operations as the scalar reference <see cref="StepReference"/>.
/// </summary>
internal static class SgdKernel
{
    /// <summary>
    /// The hyper-parameters as the kernel uses them, each rounded to float32 the way torch rounds it; 1 − dampening
    /// is computed in double before rounding, as torch receives it as a Python float.
    /// </summary>
    internal readonly record struct Hyper(float Lr, float Momentum, float OneMinusDampening, float WeightDecay, bool Nesterov, bool Maximize)
    {
        public static Hyper From(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize) =>
            new((float)lr, (float)momentum, (float)(1.0 - dampening), (float)weightDecay, nesterov, maximize);
    }

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
            var negLr = Vector512.Create(-h.Lr);
            var mu = Vector512.Create(h.Momentum);
            var oneMinusTau = Vector512.Create(h.OneMinusDampening);
            var wd = Vector512.Create(h.WeightDecay);
            bool momentum = h.Momentum != 0, decay = h.WeightDecay != 0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (h.Maximize) gv = -gv;
                if (decay) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                if (momentum)
                {
                    var bv = firstStep ? gv : Vector512.FusedMultiplyAdd(gv, oneMinusTau, Vector512.LoadUnsafe(ref b, (nuint)i) * mu);
                    bv.StoreUnsafe(ref b, (nuint)i);
                    gv = h.Nesterov ? Vector512.FusedMultiplyAdd(bv, mu, gv) : bv;
                }
                Vector512.FusedMultiplyAdd(gv, negLr, pv).StoreUnsafe(ref p, (nuint)i);
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
            if (h.WeightDecay != 0) g = MathF.FusedMultiplyAdd(param[i], h.WeightDecay, g);
            if (h.Momentum != 0)
            {
                float b = firstStep ? g : MathF.FusedMultiplyAdd(g, h.OneMinusDampening, buffer[i] * h.Momentum);
                buffer[i] = b;
                g = h.Nesterov ? MathF.FusedMultiplyAdd(b, h.Momentum, g) : b;
            }
            param[i] = MathF.FusedMultiplyAdd(g, -h.Lr, param[i]);
        }
    }
}
