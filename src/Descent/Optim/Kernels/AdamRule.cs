using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adam / AdamW update: one pass that reads θ, g, m, v (and v̂max with AMSGrad) once and writes θ, m, v
/// (and v̂max) once. State buffers: m ("exp_avg"), v ("exp_avg_sq"), v̂max ("max_exp_avg_sq", AMSGrad only).
/// </summary>
/// <remarks>
/// The operations are those torch.optim.Adam / AdamW (1.13, single-tensor) perform one tensor op at a time, each
/// rounded to float32, including the two fused multiply-adds PyTorch's CPU kernels make:
/// <c>add(x, alpha=a)</c> is fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self). The same
/// fused multiply-add runs on every width (exactly rounded, so all widths agree bit for bit), which makes the result
/// equal PyTorch's bit for bit rather than within an ulp.
/// </remarks>
internal readonly record struct AdamRule(
    float Beta1, float OneMinusBeta1, float Beta2, float OneMinusBeta2,
    float WeightDecay, float DecayFactor, float NegStepSize, float BiasCorrection2Sqrt, float Eps,
    bool L2, bool Decoupled, bool Amsgrad, bool Maximize) : IUpdateRule
{
    /// <summary>
    /// The rule of update number <paramref name="step"/> (1-based), its scalars computed in double as PyTorch
    /// computes its Python floats: bias corrections 1 − βᵗ, step size lr / (1 − β₁ᵗ), √(1 − β₂ᵗ), 1 − lr·λ.
    /// </summary>
    public static AdamRule For(double lr, double beta1, double beta2, double eps, double weightDecay,
        bool decoupled, bool amsgrad, bool maximize, long step)
    {
        double biasCorrection1 = 1 - Math.Pow(beta1, step);
        double biasCorrection2 = 1 - Math.Pow(beta2, step);
        double stepSize = lr / biasCorrection1;
        return new((float)beta1, (float)(1 - beta1), (float)beta2, (float)(1 - beta2),
            (float)weightDecay, (float)(1 - lr * weightDecay), (float)-stepSize, (float)Math.Sqrt(biasCorrection2), (float)eps,
            L2: !decoupled && weightDecay != 0, Decoupled: decoupled, Amsgrad: amsgrad, Maximize: maximize);
    }

    public StateStreams Streams => StateStreams.First | StateStreams.Second | (Amsgrad ? StateStreams.Third : 0);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var grad = L.Load(pGrad);
        var m = L.Load(first);
        var v = L.Load(second);
        var vmax = Amsgrad ? L.Load(third) : default;
        var g = Maximize ? -grad : grad;
        if (Decoupled) param *= L.Create(DecayFactor);                                     // param.mul_(1 − lr·λ)
        else if (L2) g = L.FusedMultiplyAdd(param, L.Create(WeightDecay), g);              // grad.add(param, alpha=λ)
        m = L.FusedMultiplyAdd(g, L.Create(OneMinusBeta1), m * L.Create(Beta1));           // exp_avg.mul_(β₁).add_(g, alpha=1 − β₁)
        v = L.FusedMultiplyAdd(L.Create(OneMinusBeta2) * g, g, v * L.Create(Beta2));       // exp_avg_sq.mul_(β₂).addcmul_(g, g, value=1 − β₂)
        var vHat = v;
        if (Amsgrad) vHat = vmax = L.Max(vmax, v);                                       // torch.maximum(max_exp_avg_sq, exp_avg_sq, out=…)
        var denom = L.Sqrt(vHat) / L.Create(BiasCorrection2Sqrt) + L.Create(Eps);       // (v.sqrt() / √bc₂).add_(ε)
        param += L.Create(NegStepSize) * m / denom;                                        // addcdiv_(m, denom, value=−step_size)
        param.Store(pParam);
        m.Store(first);
        v.Store(second);
        if (Amsgrad) vmax.Store(third);
    }
}
