using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused ASGD update: one pass that decays and steps θ and updates the running average of θ ("ax", the first
/// state buffer).
/// </summary>
/// <remarks>
/// The operations are those torch.optim.ASGD (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-add PyTorch's CPU kernels make for <c>add(x, alpha=a)</c>. The result
/// equals PyTorch's bit for bit, on every vector width.
/// <para>Decay: float(1 − λη) computed in double; NegEta: −η; Mu: The averaging weight, used when <paramref
/// name="Averaging"/> (μ ≠ 1); otherwise the average is a copy of θ.</para>
/// </remarks>
internal readonly record struct ASGDRule(float Decay, float NegEta, float Mu, bool Averaging, float WeightDecay, bool Maximize) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var ax = L.Load(first);
        var g = Maximize ? -grad : grad;
        if (WeightDecay != 0) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);   // grad.add(param, alpha=λ)
        param = L.FusedMultiplyAdd(g, L.Create(NegEta), param * L.Create(Decay));       // param.mul_(1 − λη); param.add_(g, alpha=−η)
        ax = Averaging ? ax + (param - ax) * L.Create(Mu) : param;                       // ax.add_(param.sub(ax).mul(μ)) or ax.copy_(param)
        param.Store(pParam);
        ax.Store(first);
    }
}
