using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The gradient with weight decay added, g + λθ with one rounding, as torch's <c>grad.add(p, alpha=λ)</c> (Prodigy's
/// coupled decay), written to a buffer of its own because its dot product and both later passes read it. Slots: θ
/// (read only), g, and g + λθ (first state buffer, written).
/// </summary>
internal readonly record struct DecayedGradientRule(float WeightDecay) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        L.FusedMultiplyAdd(L.Create(WeightDecay), param, grad).Store(first);                // grad.add(p, alpha=λ)
    }
}
