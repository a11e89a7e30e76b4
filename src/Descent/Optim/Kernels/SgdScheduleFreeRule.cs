using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Schedule-Free SGD step (Defazio et al. 2024, facebookresearch/schedule_free
/// <c>sgd_schedulefree_reference.py</c>): one pass over θ, g and the three iterates z ("z", first state buffer), x
/// ("x", second) and y ("y", third) that the reference updates in three tensor passes, each line rounded as the
/// reference's float32 ops are: <c>add_(alpha=)</c> is a fused multiply-add, <c>mul_</c> a rounded product.
/// </summary>
/// <remarks>
/// <para>NegLr is −lr·schedule for this step; Keep and C are 1 − cₖ₊₁ and cₖ₊₁, the weight of z in the average x;
/// Beta and OneMinusBeta the momentum interpolation between x and z.</para>
/// </remarks>
internal readonly record struct SgdScheduleFreeRule(float WeightDecay, float NegLr, float Keep, float C, float Beta, float OneMinusBeta) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second | StateStreams.Third;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var g = L.Load(pGrad);
        var y = L.Load(third);
        if (WeightDecay != 0) g = L.FusedMultiplyAdd(L.Create(WeightDecay), y, g);           // grad.add_(y, alpha=weight_decay)
        var z = L.FusedMultiplyAdd(L.Create(NegLr), g, L.Load(first));                     // z.sub_(grad, alpha=lr)
        var x = L.FusedMultiplyAdd(L.Create(C), z, L.Load(second) * L.Create(Keep));        // x.mul_(1 − ckp1).add_(z, alpha=ckp1)
        y = L.FusedMultiplyAdd(L.Create(OneMinusBeta), z, x * L.Create(Beta));              // x.mul(β).add_(z, alpha=1 − β)
        y.Store(pParam);                                                                    // p.copy_(y)
        z.Store(first);
        x.Store(second);
        y.Store(third);
    }
}
