using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Rprop update: one pass over θ, g, the previous gradient ("prev", first state buffer) and the
/// per-element step sizes ("step_size", second), in the order of torch 1.13's single-tensor Rprop. torch's
/// <c>addcmul</c> fuses −sign(g)·s with θ, but that product is exact (±s or ±0), so the plain multiply and add here
/// round identically.
/// </summary>
internal readonly record struct RpropRule(float EtaMinus, float EtaPlus, float StepSizeMin, float StepSizeMax, bool Maximize) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var prev = L.Load(first);
        var stepSize = L.Load(second);
        var g = Maximize ? -grad : grad;
        var zero = L.Create(0f);
        var one = L.Create(1f);
        // torch: sign(g·prev) mapped to η+ (> 0), η− (< 0) or 1 (0, and NaN, whose sign torch takes as 0).
        var product = g * prev;
        var factor = L.Select(L.GreaterThan(product, zero), L.Create(EtaPlus),
            L.Select(L.LessThan(product, zero), L.Create(EtaMinus), one));
        stepSize = L.Min(L.Max(stepSize * factor, L.Create(StepSizeMin)), L.Create(StepSizeMax)); // step_size.mul_(sign).clamp_(min, max)
        // torch zeroes the gradient where the factor equals η− (the sign flipped): no step, and no flip next time.
        g = L.Select(L.Equal(factor, L.Create(EtaMinus)), zero, g);
        var sign = L.Select(L.GreaterThan(g, zero), one, zero) - L.Select(L.LessThan(g, zero), one, zero);
        param += -sign * stepSize;                                                              // param.addcmul_(g.sign(), step_size, value=−1)
        prev = g;
        param.Store(pParam);
        prev.Store(first);
        stepSize.Store(second);
    }
}
