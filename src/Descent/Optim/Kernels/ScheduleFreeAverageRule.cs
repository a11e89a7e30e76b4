using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The end of a Schedule-Free step (facebookresearch/schedule_free reference code), after the base rule moved z:
/// the average x and the point y, then θ ← y, in one pass. Slots: the parameter θ (written), z in the gradient's
/// slot (read only), x ("x", first state buffer) and y ("y", second). <c>add_(alpha=)</c> is a fused multiply-add,
/// <c>mul</c> a rounded product.
/// </summary>
/// <remarks>
/// <para>Keep and C are 1 − cₖ₊₁ and cₖ₊₁, the weight of z in the average x; Beta and OneMinusBeta the interpolation
/// between x and z (β₁ for AdamW), each computed in double and rounded.</para>
/// </remarks>
internal readonly record struct ScheduleFreeAverageRule(float Keep, float C, float Beta, float OneMinusBeta) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pZ, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var z = L.Load(pZ);
        var x = L.FusedMultiplyAdd(L.Create(C), z, L.Load(first) * L.Create(Keep));          // x.mul_(1 − ckp1).add_(z, alpha=ckp1)
        var y = L.FusedMultiplyAdd(L.Create(OneMinusBeta), z, x * L.Create(Beta));          // y.copy_(x.mul(β).add_(z, alpha=1 − β))
        y.Store(pParam);                                                                    // p.copy_(y)
        x.Store(first);
        y.Store(second);
    }
}
