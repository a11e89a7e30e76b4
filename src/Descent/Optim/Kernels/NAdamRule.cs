using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused NAdam update: one pass that reads θ, g, m ("exp_avg") and v ("exp_avg_sq") once and writes θ, m, v once,
/// with PyTorch's fused multiply-adds, so the result equals torch.optim.NAdam (1.13) bit for bit on every vector width.
/// </summary>
/// <remarks>
/// <para>GradCoefficient: −lr·(1 − μₜ)/(1 − Πμ), the coefficient of g/denom; AvgCoefficient: −lr·μₜ₊₁/(1 − Πμ·μₜ₊₁), the
/// coefficient of m/denom.</para>
/// </remarks>
internal readonly record struct NAdamRule(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
    float WeightDecay, float BiasCorrection2, float Eps, float GradCoefficient, float AvgCoefficient, bool L2) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var m = L.Load(first);
        var v = L.Load(second);
        var g = grad;
        if (L2) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);                 // grad.add(param, alpha=λ)
        m = L.FusedMultiplyAdd(g, L.Create(OneMinusBeta1), m * L.Create(Beta1));        // exp_avg.mul_(β₁).add_(g, alpha=1 − β₁)
        v = L.FusedMultiplyAdd(L.Create(OneMinusBeta2) * g, g, v * L.Create(Beta2));    // exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1 − β₂)
        var denom = L.Sqrt(v / L.Create(BiasCorrection2)) + L.Create(Eps);              // exp_avg_sq.div(bc₂).sqrt().add_(ε)
        param += L.Create(GradCoefficient) * g / denom;                                  // addcdiv(g, denom, value=c₁)
        param += L.Create(AvgCoefficient) * m / denom;                                   // addcdiv(m, denom, value=c₂)
        param.Store(pParam);
        m.Store(first);
        v.Store(second);
    }
}
