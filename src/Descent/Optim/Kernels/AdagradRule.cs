using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adagrad update: one pass that reads θ, g and the sum of squares ("sum", the first state buffer) once
/// and writes θ and the sum once.
/// </summary>
/// <remarks>
/// The operations are those torch.optim.Adagrad (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-adds PyTorch's CPU kernels make: <c>add(x, alpha=a)</c> is
/// fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self); <c>addcdiv</c> is not fused. The
/// result equals PyTorch's bit for bit, on every vector width.
/// </remarks>
/// <param name="NegClr">−lr / (1 + (t − 1)·lr_decay), computed in double.</param>
/// <param name="Eps">ε.</param>
/// <param name="WeightDecay">λ of the L2 penalty folded into the gradient.</param>
/// <param name="Maximize">Whether to ascend.</param>
/// <param name="EpsInsideSqrt">Whether ε goes inside the square root (the textbook form) rather than outside (torch's).</param>
internal readonly record struct AdagradRule(float NegClr, float Eps, float WeightDecay, bool Maximize, bool EpsInsideSqrt) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var sum = L.Load(first);
        var g = Maximize ? -grad : grad;
        if (WeightDecay != 0) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);   // grad.add(param, alpha=λ)
        sum = L.FusedMultiplyAdd(g, g, sum);                                             // state_sum.addcmul_(grad, grad, value=1)
        var std = EpsInsideSqrt ? L.Sqrt(sum + L.Create(Eps)) : L.Sqrt(sum) + L.Create(Eps); // state_sum.sqrt().add_(ε)
        param += L.Create(NegClr) * g / std;                                             // param.addcdiv_(grad, std, value=−clr)
        param.Store(pParam);
        sum.Store(first);
    }
}
