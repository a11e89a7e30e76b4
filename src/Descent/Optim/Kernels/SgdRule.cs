using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused SGD update: one pass that reads θ, g and the momentum buffer (the first state buffer, used when
/// momentum ≠ 0) once and writes θ and the buffer once. Each line rounds as PyTorch 1.13's CPU kernels do (every
/// <c>add_(x, alpha=a)</c> is one fused multiply-add with a rounded to float32), so the results equal
/// torch.optim.SGD bit for bit.
/// </summary>
/// <param name="Lr">The learning rate, rounded to float32 as torch rounds it.</param>
/// <param name="Momentum">μ; 0 for plain SGD, which then has no buffer.</param>
/// <param name="OneMinusDampening">1 − τ, computed in double before rounding, as torch receives it as a Python float.</param>
/// <param name="WeightDecay">λ of the L2 penalty folded into the gradient.</param>
/// <param name="Nesterov">Whether the step uses g + μ·b instead of b.</param>
/// <param name="Maximize">Whether to ascend.</param>
/// <param name="FirstStep">Whether the buffer is created by this step (then b = g, as torch's <c>clone</c>).</param>
internal readonly record struct SgdRule(float Lr, float Momentum, float OneMinusDampening, float WeightDecay,
    bool Nesterov, bool Maximize, bool FirstStep) : IUpdateRule
{
    /// <summary>The rule from the options, each rounded as torch rounds it.</summary>
    public static SgdRule From(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize, bool firstStep) =>
        new((float)lr, (float)momentum, (float)(1.0 - dampening), (float)weightDecay, nesterov, maximize, firstStep);

    public StateStreams Streams => Momentum != 0 ? StateStreams.First : StateStreams.None;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var buffer = Momentum != 0 ? L.Load(first) : default;
        var g = Maximize ? -grad : grad;
        if (WeightDecay != 0) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);          // d_p.add(param, alpha=λ)
        if (Momentum != 0)
        {
            buffer = FirstStep ? g : L.FusedMultiplyAdd(g, L.Create(OneMinusDampening), buffer * L.Create(Momentum)); // buf.mul_(μ).add_(d_p, alpha=1 − τ)
            g = Nesterov ? L.FusedMultiplyAdd(buffer, L.Create(Momentum), g) : buffer;           // d_p.add(buf, alpha=μ)
        }
        param = L.FusedMultiplyAdd(g, L.Create(-Lr), param);                                     // param.add_(d_p, alpha=−lr)
        param.Store(pParam);
        if (Momentum != 0) buffer.Store(first);
    }
}
