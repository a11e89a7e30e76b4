using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adamax update: one pass that reads θ, g, m ("exp_avg") and u ("exp_inf") once and writes θ, m, u once,
/// with the fused multiply-adds of PyTorch's <c>add(alpha=)</c>, so the result equals torch.optim.Adamax (1.13) bit
/// for bit on every vector width.
/// </summary>
internal readonly record struct AdamaxRule(float Beta1, float OneMinusBeta1, float Beta2, float WeightDecay,
    float NegClr, float Eps, bool L2, bool Maximize) : IUpdateRule
{
    /// <summary>The rule of update <paramref name="step"/>: clr = lr / (1 − β₁ᵗ), computed in double.</summary>
    public static AdamaxRule For(double lr, double beta1, double beta2, double eps, double weightDecay, bool maximize, long step)
    {
        double clr = lr / (1 - Math.Pow(beta1, step));
        return new((float)beta1, (float)(1 - beta1), (float)beta2, (float)weightDecay, (float)-clr, (float)eps,
            L2: weightDecay != 0, Maximize: maximize);
    }

    public StateStreams Streams => StateStreams.First | StateStreams.Second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var m = L.Load(first);
        var u = L.Load(second);
        var g = Maximize ? -grad : grad;
        if (L2) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);                 // grad.add(param, alpha=λ)
        m = L.FusedMultiplyAdd(g, L.Create(OneMinusBeta1), m * L.Create(Beta1));        // exp_avg.mul_(β₁).add_(g, alpha=1 − β₁)
        u = L.Max(u * L.Create(Beta2), L.Abs(g) + L.Create(Eps));                        // amax(cat(β₂u, |g| + ε))
        param += L.Create(NegClr) * m / u;                                               // addcdiv(m, u, value=−clr)
        param.Store(pParam);
        m.Store(first);
        u.Store(second);
    }
}
