using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The base step of Schedule-Free AdamW (Defazio et al. 2024, facebookresearch/schedule_free
/// <c>adamw_schedulefree_reference.py</c>) on z, in the reference's float32 operations: the weight decay, the second
/// moment, the optional inner momentum and the normalized step. Slots: y in the parameter's slot (read only, the
/// decay point; the parameter itself is not touched), g, z ("z", first state buffer), v ("exp_avg_sq", second) and
/// m ("exp_avg", third, with inner momentum only). <see cref="ScheduleFreeAverageRule"/> then averages z into x and
/// y; the two are separate passes because the step touches six buffers besides the gradient and the driver has
/// three state slots.
/// </summary>
/// <remarks>
/// <para>NegDecay is −η_t·λ; Bc2 and Bc1 the bias corrections 1 − β₂ᵏ⁺¹ and 1 − μᵏ⁺¹; NegLr is −η_t; each computed
/// in double and rounded. <c>add_(alpha=)</c> and <c>addcmul_</c> are fused multiply-adds; <c>addcdiv_</c> rounds
/// the product value·u, then the quotient, then the sum.</para>
/// </remarks>
internal readonly record struct AdamWScheduleFreeRule(bool Decays, bool DecayAtZ, float NegDecay,
    float Beta2, float OneMinusBeta2, float Bc2, float Eps, bool Momentum, float Mu, float OneMinusMu, float Bc1, float NegLr) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second | (Momentum ? StateStreams.Third : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pY, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var g = L.Load(pGrad);
        var z = L.Load(first);
        if (Decays) z = L.FusedMultiplyAdd(L.Create(NegDecay), DecayAtZ ? z : L.Load(pY), z);   // z.sub_(z or y, alpha=lr*weight_decay)
        var v = L.FusedMultiplyAdd(L.Create(OneMinusBeta2) * g, g, L.Load(second) * L.Create(Beta2));   // exp_avg_sq.mul_(β₂).addcmul_(grad, grad, value=1 − β₂)
        var den = L.Sqrt(v / L.Create(Bc2)) + L.Create(Eps);                                // exp_avg_sq.div(bias_correction2).sqrt_().add_(eps)
        var u = g;
        if (Momentum)
        {
            var m = L.FusedMultiplyAdd(L.Create(OneMinusMu), g, L.Load(third) * L.Create(Mu));   // exp_avg.mul_(μ).add_(grad, alpha=1 − μ)
            m.Store(third);
            u = m / L.Create(Bc1);                                                          // exp_avg.div(bias_correction1)
        }
        z += L.Create(NegLr) * u / den;                                                     // z.addcdiv_(update_num, denom, value=−lr)
        z.Store(first);
        v.Store(second);
    }
}
