using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused RMSprop update: one pass over θ, g, the mean square ("square_avg", first state buffer) and, when used,
/// the mean gradient ("grad_avg", second, centered only) and the velocity ("momentum_buffer", third, with momentum).
/// </summary>
/// <remarks>
/// The operations are those torch.optim.RMSprop (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-adds PyTorch's CPU kernels make: <c>add(x, alpha=a)</c> is
/// fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self); <c>addcdiv</c> is not fused, nor
/// are the textbook momentum forms, which torch does not have. The result equals PyTorch's bit for bit, on every
/// vector width.
/// <para>OneMinusAlpha: 1 − α, computed in double; OneMinusMomentum: 1 − μ, computed in double; Form: How momentum enters;
/// null without momentum.</para>
/// </remarks>
internal readonly record struct RMSpropRule(
    float Alpha, float OneMinusAlpha, float Eps, float Lr, float NegLr, float WeightDecay,
    float Momentum, float OneMinusMomentum, MomentumForm? Form, bool Centered, bool EpsInsideSqrt, bool Maximize) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First | (Centered ? StateStreams.Second : 0) | (Form is null ? 0 : StateStreams.Third);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var squareAvg = L.Load(first);
        var gradAvg = Centered ? L.Load(second) : default;
        var buffer = Form is not null ? L.Load(third) : default;
        var g = Maximize ? -grad : grad;
        if (WeightDecay != 0) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);              // grad.add(param, alpha=λ)
        squareAvg = L.FusedMultiplyAdd(L.Create(OneMinusAlpha) * g, g, squareAvg * L.Create(Alpha)); // square_avg.mul_(α).addcmul_(g, g, value=1 − α)
        var v = squareAvg;
        if (Centered)
        {
            gradAvg = L.FusedMultiplyAdd(g, L.Create(OneMinusAlpha), gradAvg * L.Create(Alpha));    // grad_avg.mul_(α).add_(g, alpha=1 − α)
            v = L.FusedMultiplyAdd(-gradAvg, gradAvg, v);                                            // square_avg.addcmul(grad_avg, grad_avg, value=−1)
        }
        var avg = EpsInsideSqrt ? L.Sqrt(v + L.Create(Eps)) : L.Sqrt(v) + L.Create(Eps);            // .sqrt_().add_(ε)
        switch (Form)
        {
            case null:
                param += L.Create(NegLr) * g / avg;                                                  // param.addcdiv_(g, avg, value=−lr)
                break;
            case MomentumForm.PyTorch:
                buffer = buffer * L.Create(Momentum) + g / avg;                                      // buf.mul_(μ).addcdiv_(g, avg)
                param = L.FusedMultiplyAdd(buffer, L.Create(NegLr), param);                         // param.add_(buf, alpha=−lr)
                break;
            case MomentumForm.Sutskever:
                buffer = L.Create(Momentum) * buffer - L.Create(Lr) * g / avg;                       // v ← μv − η·g/avg
                param += buffer;
                break;
            default:
                buffer = L.Create(Momentum) * buffer + L.Create(OneMinusMomentum) * (g / avg);       // v ← μv + (1 − μ)·g/avg
                param += L.Create(NegLr) * buffer;
                break;
        }
        param.Store(pParam);
        squareAvg.Store(first);
        if (Centered) gradAvg.Store(second);
        if (Form is not null) buffer.Store(third);
    }
}
