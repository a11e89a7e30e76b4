using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adadelta update: one pass over θ, g and the two running averages ("square_avg" and "acc_delta", the
/// first and second state buffers).
/// </summary>
/// <remarks>
/// The operations are those torch.optim.Adadelta (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-adds PyTorch's CPU kernels make: <c>add(x, alpha=a)</c> is
/// fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self). The result equals PyTorch's bit for
/// bit, on every vector width.
/// </remarks>
internal readonly record struct AdadeltaRule(float Rho, float OneMinusRho, float Eps, float NegLr, float WeightDecay, bool Maximize) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | StateStreams.Second;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var squareAvg = L.Load(first);
        var accDelta = L.Load(second);
        var g = Maximize ? -grad : grad;
        if (WeightDecay != 0) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);               // grad.add(param, alpha=λ)
        squareAvg = L.FusedMultiplyAdd(L.Create(OneMinusRho) * g, g, squareAvg * L.Create(Rho));    // square_avg.mul_(ρ).addcmul_(g, g, value=1 − ρ)
        var std = L.Sqrt(squareAvg + L.Create(Eps));                                                // square_avg.add(ε).sqrt_()
        var delta = L.Sqrt(accDelta + L.Create(Eps)) / std * g;                                     // acc_delta.add(ε).sqrt_().div_(std).mul_(g)
        accDelta = L.FusedMultiplyAdd(L.Create(OneMinusRho) * delta, delta, accDelta * L.Create(Rho)); // acc_delta.mul_(ρ).addcmul_(δ, δ, value=1 − ρ)
        param = L.FusedMultiplyAdd(delta, L.Create(NegLr), param);                                  // param.add_(δ, alpha=−lr)
        param.Store(pParam);
        squareAvg.Store(first);
        accDelta.Store(second);
    }
}
