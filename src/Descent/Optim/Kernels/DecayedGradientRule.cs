using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The gradient with weight decay added, g + λθ, written to a buffer of its own because a norm or a later pass needs
/// it whole. Fused: one rounding, as torch's <c>grad.add(p, alpha=λ)</c> (Prodigy's coupled decay); else λθ rounded
/// and then added, as optax's <c>add_decayed_weights</c> (LARS). Slots: θ (read only), g, and g + λθ (first state
/// buffer, written).
/// </summary>
internal readonly record struct DecayedGradientRule(float WeightDecay, bool Fused) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var decayed = Fused
            ? L.FusedMultiplyAdd(L.Create(WeightDecay), param, grad)                        // grad.add(p, alpha=λ)
            : grad + L.Create(WeightDecay) * param;                                         // updates + weight_decay * params
        decayed.Store(first);
    }
}
