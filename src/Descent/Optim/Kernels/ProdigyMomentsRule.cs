using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The first pass of Prodigy (Mishchenko &amp; Defazio 2023, konstmish/prodigy <c>prodigy.py</c>) over a parameter:
/// its moments and, when every element is sampled (slice_p = 1), the D-estimate accumulator s, in the reference's
/// float32 operations (<c>add_(alpha=)</c> and <c>addcmul_</c> are fused multiply-adds). Slots: θ (not touched),
/// g (with coupled weight decay already added), m ("exp_avg", first state buffer, β₁ &gt; 0 only), v
/// ("exp_avg_sq", second) and s ("s", third, UpdatesS only).
/// </summary>
/// <remarks>
/// <para>MAlpha is d·(1 − β₁), VValue d²·(1 − β₂), SAlpha (d/d₀)·dlr (or ·d with safeguard_warmup), each computed in
/// double and rounded.</para>
/// </remarks>
internal readonly record struct ProdigyMomentsRule(bool Momentum, float Beta1, float MAlpha, float Beta2, float VValue,
    bool UpdatesS, float Beta3, float SAlpha) : IUpdateRule
{
    public StateStreams Streams => (Momentum ? StateStreams.First : 0) | StateStreams.Second | (UpdatesS ? StateStreams.Third : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* param, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var grad = L.Load(pGrad);
        if (Momentum)
            L.FusedMultiplyAdd(L.Create(MAlpha), grad, L.Load(first) * L.Create(Beta1)).Store(first);   // exp_avg.mul_(β₁).add_(grad, alpha=d·(1 − β₁))
        L.FusedMultiplyAdd(L.Create(VValue) * grad, grad, L.Load(second) * L.Create(Beta2)).Store(second);   // exp_avg_sq.mul_(β₂).addcmul_(grad, grad, value=d²·(1 − β₂))
        if (UpdatesS)
        {
            L.FusedMultiplyAdd(L.Create(SAlpha), grad, L.Load(third) * L.Create(Beta3)).Store(third);   // s.mul_(β₃).add_(g_s, alpha=(d/d₀)·dlr)
        }
    }
}
