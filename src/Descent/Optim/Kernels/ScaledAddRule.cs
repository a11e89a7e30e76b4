using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// θ ← θ·decay + α·u with one rounding for α·u + (θ·decay): torch's <c>p.add_(u, alpha=α)</c> (a fused
/// multiply-add), after <c>p.mul_(decay)</c> when Decays. Slots: θ (written), the update u in the gradient's slot;
/// no state. The last pass of LAMB and Adafactor, whose update needs a norm of the whole direction first.
/// </summary>
internal readonly record struct ScaledAddRule(float Alpha, bool Decays, float Decay) : IUpdateRule
{
    public StateStreams Streams => StateStreams.None;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pUpdate, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        if (Decays) param *= L.Create(Decay);                                               // p.mul_(decay)
        param = L.FusedMultiplyAdd(L.Create(Alpha), L.Load(pUpdate), param);                // p.add_(u, alpha=α)
        param.Store(pParam);
    }
}
