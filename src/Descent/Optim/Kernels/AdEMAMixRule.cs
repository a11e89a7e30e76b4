using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused AdEMAMix update (Pagliardini et al. 2024, apple/ml-ademamix <c>ademamix.py</c>): one pass over θ, g, the
/// fast momentum ("exp_avg_fast", first state buffer; absent when β₁ = 0, which uses g itself), the slow momentum
/// ("exp_avg_slow", second) and the second moment ("exp_avg_sq", third), in the float32 operations of the authors'
/// code: <c>add_(alpha=)</c> and <c>addcmul_</c> are fused multiply-adds, the update's −lr·u is its own rounded
/// product before it is added to θ.
/// </summary>
/// <remarks>
/// <para>Beta3 and Alpha are the step's scheduled β₃ and α (their warmups applied); BiasCorrection1 is 1 − β₁ⁿ and
/// SqrtBiasCorrection2 √(1 − β₂ⁿ), each computed in double and rounded.</para>
/// </remarks>
internal readonly record struct AdEMAMixRule(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
    float Beta3, float OneMinusBeta3, float BiasCorrection1, float SqrtBiasCorrection2, float Alpha, float Eps,
    float WeightDecay, float NegLr, bool Fast) : IUpdateRule
{
    public StateStreams Streams => (Fast ? StateStreams.First : 0) | StateStreams.Second | StateStreams.Third;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var fastAvg = grad;
        if (Fast) fastAvg = L.FusedMultiplyAdd(L.Create(OneMinusBeta1), grad, L.Load(first) * L.Create(Beta1));   // exp_avg_fast.mul_(β₁).add_(g, alpha=1 − β₁)
        var slowAvg = L.FusedMultiplyAdd(L.Create(OneMinusBeta3), grad, L.Load(second) * L.Create(Beta3));       // exp_avg_slow.mul_(β₃).add_(g, alpha=1 − β₃)
        var v = L.FusedMultiplyAdd(L.Create(OneMinusBeta2) * grad, grad, L.Load(third) * L.Create(Beta2));       // exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1 − β₂)
        var denom = L.Sqrt(v) / L.Create(SqrtBiasCorrection2) + L.Create(Eps);                                     // (exp_avg_sq.sqrt() / √bc₂).add_(ε)
        var u = (fastAvg / L.Create(BiasCorrection1) + L.Create(Alpha) * slowAvg) / denom;                         // (exp_avg_fast.div(bc₁) + α·exp_avg_slow) / denom
        u = L.FusedMultiplyAdd(L.Create(WeightDecay), param, u);                                                   // update.add_(p, alpha=λ)
        param += L.Create(NegLr) * u;                                                                              // p.add_(−lr · update)
        param.Store(pParam);
        if (Fast) fastAvg.Store(first);
        slowAvg.Store(second);
        v.Store(third);
    }
}
