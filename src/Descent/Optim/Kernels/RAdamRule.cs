using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused RAdam update: one pass that reads θ, g, m ("exp_avg") and v ("exp_avg_sq") once and writes θ, m, v once,
/// with PyTorch's fused multiply-adds, so the result equals torch.optim.RAdam (1.13) bit for bit on every vector width.
/// </summary>
/// <remarks>
/// <para>Rectified: Whether ρₜ &gt; 5: the adaptive, rectified step; otherwise the un-adapted momentum step.</para>
/// </remarks>
internal readonly record struct RAdamRule(float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
    float WeightDecay, float BiasCorrection1, float Lr, float BiasCorrection2Sqrt, float Rect, float Eps,
    bool L2, bool Rectified) : IUpdateRule
{
    /// <summary>
    /// The rule of update <paramref name="step"/>, its scalars computed in double as PyTorch does: ρ∞ = 2/(1 − β₂) − 1,
    /// ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ) and, when ρₜ &gt; 5, r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)).
    /// </summary>
    public static RAdamRule For(double lr, double beta1, double beta2, double eps, double weightDecay, long step)
    {
        double t = step;
        double biasCorrection1 = 1 - Math.Pow(beta1, t);
        double biasCorrection2 = 1 - Math.Pow(beta2, t);
        double rhoInf = 2 / (1 - beta2) - 1;
        double rhoT = rhoInf - 2 * t * Math.Pow(beta2, t) / biasCorrection2;
        bool rectified = rhoT > 5.0;
        double rect = rectified ? Math.Sqrt((rhoT - 4) * (rhoT - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rhoT)) : 0;
        return new((float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2), (float)weightDecay,
            (float)biasCorrection1, (float)lr, (float)Math.Sqrt(biasCorrection2), (float)rect, (float)eps,
            L2: weightDecay != 0, Rectified: rectified);
    }

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
        var update = m / L.Create(BiasCorrection1) * L.Create(Lr);                       // (exp_avg / bias_correction1) * lr
        if (Rectified)
        {
            var adaptiveLr = L.Create(1f) / (L.Sqrt(v) + L.Create(Eps)) * L.Create(BiasCorrection2Sqrt); // √bc₂ / (√v + ε), as reciprocal · scalar
            update = update * adaptiveLr * L.Create(Rect);
        }
        param -= update;                                                                 // add_(update, alpha=−1)
        param.Store(pParam);
        m.Store(first);
        v.Store(second);
    }
}
