using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The second pass of Prodigy (konstmish/prodigy <c>prodigy.py</c>), once d is known: the parameter step, in the
/// reference's float32 operations. Slots: θ (written), g, m ("exp_avg", first state buffer, β₁ &gt; 0 only; without
/// it the step takes g, with coupled weight decay added here) and v ("exp_avg_sq", second).
/// </summary>
/// <remarks>
/// <para>DEps is d·ε; NegDecay −λ·dlr (decoupled decay); Value −dlr (−dlr·d without momentum); each computed in double
/// and rounded. <c>addcdiv_</c> rounds value·m, then the quotient, then the sum.</para>
/// </remarks>
internal readonly record struct ProdigyStepRule(bool Momentum, float DEps, bool DecoupledDecay, float NegDecay,
    bool CoupledDecay, float WeightDecay, float Value) : IUpdateRule
{
    public StateStreams Streams => (Momentum ? StateStreams.First : 0) | StateStreams.Second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var den = L.Sqrt(L.Load(second)) + L.Create(DEps);                                  // exp_avg_sq.sqrt().add_(d * eps)
        L numerator;
        if (Momentum) numerator = L.Load(first);
        else if (CoupledDecay) numerator = L.FusedMultiplyAdd(L.Create(WeightDecay), param, L.Load(pGrad));   // grad.add_(p, alpha=decay)
        else numerator = L.Load(pGrad);
        if (DecoupledDecay) param = L.FusedMultiplyAdd(L.Create(NegDecay), param, param);   // p.add_(p, alpha=-decay*dlr)
        param += L.Create(Value) * numerator / den;                                         // p.addcdiv_(exp_avg or grad, denom, value=-dlr)
        param.Store(pParam);
    }
}
