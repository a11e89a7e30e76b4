using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// Muon's auxiliary AdamW for the parameters it does not orthogonalize (KellerJordan/Muon <c>adam_update</c>), in
/// torch's float32 operations: the moments by <c>lerp</c> (<see cref="TorchLanes.Lerp"/>, not AdamRule's
/// mul/add), each bias correction its own division. Slots: θ (written), g, m ("exp_avg", first state buffer) and v
/// ("exp_avg_sq", second).
/// </summary>
/// <remarks>
/// <para>Bc1 and Bc2 are 1 − β₁ᵗ and 1 − β₂ᵗ, Decay 1 − lr·wd, NegLr −lr, each computed in double and rounded.</para>
/// </remarks>
internal readonly record struct MuonAdamRule(float OneMinusBeta1, float OneMinusBeta2, float Bc1, float Bc2, float Eps, float Decay, float NegLr) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var grad = L.Load(pGrad);
        var m = TorchLanes.Lerp(L.Load(first), grad, OneMinusBeta1);                      // buf1.lerp_(grad, 1 - betas[0])
        var v = TorchLanes.Lerp(L.Load(second), grad * grad, OneMinusBeta2);              // buf2.lerp_(grad.square(), 1 - betas[1])
        var u = m / L.Create(Bc1) / (L.Sqrt(v / L.Create(Bc2)) + L.Create(Eps));          // buf1c / (buf2c.sqrt() + eps)
        var param = L.FusedMultiplyAdd(L.Create(NegLr), u, L.Load(pParam) * L.Create(Decay));   // p.mul_(1 - lr * wd); p.add_(u, alpha=-lr)
        param.Store(pParam);
        m.Store(first);
        v.Store(second);
    }
}
