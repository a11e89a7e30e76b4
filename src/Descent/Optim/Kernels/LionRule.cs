using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Lion update (Chen et al. 2023, google/automl <c>lion_pytorch.py</c>): one pass over θ, g and the momentum
/// ("exp_avg", the first state buffer), in the float32 operations of the authors' code: the interpolation
/// β₁·m + (1 − β₁)·g is two rounded products and a rounded sum (separate tensor ops); <c>add_(alpha=)</c> is a
/// fused multiply-add. sign(0) is 0.
/// </summary>
/// <remarks>
/// <para>Decay: 1 − lr·λ, computed in double (decoupled weight decay); NegLr: −lr.</para>
/// </remarks>
internal readonly record struct LionRule(float Decay, float NegLr, float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2) : IUpdateRule
{
    /// <summary>The rule from the options, each scalar rounded as the reference's Python floats are.</summary>
    public static LionRule For(double lr, double beta1, double beta2, double weightDecay) =>
        new((float)(1 - lr * weightDecay), (float)-lr, (float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2));

    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var m = L.Load(first);
        var zero = L.Create(0f);
        var one = L.Create(1f);
        var c = m * L.Create(Beta1) + grad * L.Create(OneMinusBeta1);                     // exp_avg * β₁ + grad * (1 − β₁)
        var sign = L.Select(L.GreaterThan(c, zero), one, zero) - L.Select(L.LessThan(c, zero), one, zero);
        param = L.FusedMultiplyAdd(L.Create(NegLr), sign, param * L.Create(Decay));      // p.mul_(1 − lr·λ); p.add_(sign(c), alpha=−lr)
        m = L.FusedMultiplyAdd(L.Create(OneMinusBeta2), grad, m * L.Create(Beta2));      // exp_avg.mul_(β₂).add_(grad, alpha=1 − β₂)
        param.Store(pParam);
        m.Store(first);
    }
}
