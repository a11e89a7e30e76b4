using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The moments and the Adam direction of LAMB (You et al. 2020, cybertronai/pytorch-lamb <c>lamb.py</c>) in one pass,
/// in the reference's float32 operations. Slots: θ (read only: the trust ratio needs ‖a‖ before θ moves), g, m
/// ("exp_avg", first state buffer), v ("exp_avg_sq", second) and the direction a (third, a scratch buffer, written).
/// <c>add_(alpha, t)</c> and <c>addcmul_</c> are fused multiply-adds.
/// </summary>
internal readonly record struct LambRule(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2, float Eps, bool Decays, float WeightDecay) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second | StateStreams.Third;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var grad = L.Load(pGrad);
        var m = L.FusedMultiplyAdd(L.Create(OneMinusBeta1), grad, L.Load(first) * L.Create(Beta1));    // exp_avg.mul_(β₁).add_(1 − β₁, grad)
        var v = L.FusedMultiplyAdd(L.Create(OneMinusBeta2) * grad, grad, L.Load(second) * L.Create(Beta2));   // exp_avg_sq.mul_(β₂).addcmul_(1 − β₂, grad, grad)
        var a = m / (L.Sqrt(v) + L.Create(Eps));                                            // exp_avg / exp_avg_sq.sqrt().add(eps)
        if (Decays) a = L.FusedMultiplyAdd(L.Create(WeightDecay), L.Load(pParam), a);   // adam_step.add_(weight_decay, p)
        m.Store(first);
        v.Store(second);
        a.Store(third);
    }
}
