using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// Adafactor's unfactored second moment and its update direction for a parameter of rank &lt; 2
/// (torch.optim.Adafactor, single-tensor), in torch's float32 operations. Slots: the direction
/// u = g / √max(v, ε₁²) in the parameter's slot (a scratch buffer, written; θ moves in a later pass, after ‖u‖), g,
/// and v ("variance", first state buffer).
/// </summary>
/// <remarks>
/// <para>Sign is −1 with maximize, else 1 (a product, as the scalar code's); Beta the step's 1 − β₂ₜ = t^beta2_decay
/// and Floor ε₁², each rounded from double.</para>
/// </remarks>
internal readonly record struct AdafactorVarianceRule(float Sign, float Beta, float Floor) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* direction, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var g = L.Create(Sign) * L.Load(pGrad);                                            // −grad with maximize
        var variance = TorchLanes.Lerp(L.Load(first), g * g, Beta);                         // variance.lerp_(grad * grad, one_minus_beta2_t)
        var u = L.Create(1f) / L.Sqrt(L.Max(variance, L.Create(Floor))) * g;              // var_estimate.clamp_(min=eps1²).rsqrt_().mul_(grad)
        variance.Store(first);
        u.Store(direction);
    }
}
