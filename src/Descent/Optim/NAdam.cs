using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="NAdam"/>, with PyTorch's names and defaults.</summary>
public sealed class NAdamOptions : AdamFamilyOptions
{
    /// <summary>NAdam's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0, momentum decay 4e-3.</summary>
    public NAdamOptions() => Lr = 2e-3;

    /// <summary>ψ, the momentum decay of the schedule μₜ = β₁(1 − ½·0.96^(tψ)), a finite number ≥ 0 (default 4e-3).</summary>
    [Hyper("momentum_decay", "the decay of the momentum schedule μₜ = β₁(1 − ½·0.96^(tψ))", Symbol = "ψ", Must = Must.BeNonNegative)]
    public double MomentumDecay { get; set => field = Checked(value); } = 4e-3;
}

/// <summary>NAdam, Adam with Nesterov momentum (Dozat, 2016), as torch.optim.NAdam.</summary>
/// <remarks>
/// <para>For each parameter θ with gradient g at update t (1-based), learning rate γ, betas β₁ β₂, ε, weight decay λ,
/// momentum decay ψ:</para>
/// <code>
/// g ← g + λθ                          (when λ ≠ 0)
/// μₜ = β₁(1 − ½·0.96^(tψ)),  μₜ₊₁ = β₁(1 − ½·0.96^((t+1)ψ))
/// Π ← Π·μₜ                            (the product of μ₁…μₜ, starting at 1)
/// m ← β₁m + (1 − β₁)g
/// v ← β₂v + (1 − β₂)g²
/// d = √(v / (1 − β₂ᵗ)) + ε
/// θ ← θ − γ(1 − μₜ)/(1 − Π) · g/d − γμₜ₊₁/(1 − Π·μₜ·μₜ₊₁) · m/d
/// </code>
/// <para>Defaults: γ = 2e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0, ψ = 4e-3. State per parameter, with PyTorch's
/// names: the buffers "exp_avg" (m) and "exp_avg_sq" (v), starting at 0, and the scalar "mu_product" (Π, in
/// <see cref="ParameterState.Scalars"/>), starting at 1. PyTorch 1.13's NAdam has no maximize option, so neither has
/// this one. Paper: "Incorporating Nesterov Momentum into Adam" (ICLR 2016 workshop).</para>
/// <para>The second denominator is PyTorch 1.13's, not its documentation's 1 − Πᵢ≤ₜ₊₁ μᵢ: 1.13 computes
/// <c>mu_product_next = mu_product * mu * mu_next</c> after <c>mu_product *= mu</c>, so μₜ enters twice (PyTorch 2.0
/// changed it to Π·μₜ₊₁). The single-tensor implementation of 1.13 is the reference, so this follows it. PyTorch
/// also keeps Π in a float32 tensor, so Π and Π·μₜ·μₜ₊₁ are rounded to float32 product by product (μ applied as a
/// float32 scalar), and the coefficients are then computed in double from them; this optimizer does the same, which
/// keeps its trajectories equal to PyTorch's bit for bit. Each step is one fused pass.</para>
/// </remarks>
public sealed class NAdam : Optimizer<NAdamOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public NAdam(IEnumerable<Tensor> parameters, NAdamOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public NAdam(IEnumerable<NamedParameter> parameters, NAdamOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, NAdamOptions o, ParameterState state)
    {
        double step = state.Step, lr = o.Lr, beta1 = o.Beta1;
        double biasCorrection2 = 1 - Math.Pow(o.Beta2, step);
        double mu = beta1 * (1.0 - 0.5 * Math.Pow(0.96, step * o.MomentumDecay));
        double muNext = beta1 * (1.0 - 0.5 * Math.Pow(0.96, (step + 1) * o.MomentumDecay));
        // PyTorch 1.13 keeps mu_product in a float32 tensor: mu_product *= mu, then
        // mu_product_next = mu_product * mu * mu_next (μₜ applied twice, as 1.13 does), each product in float32.
        float muProduct = (float)state.Scalar("mu_product", 1.0) * (float)mu;
        float muProductNext = muProduct * (float)mu * (float)muNext;
        state.SetScalar("mu_product", muProduct);
        var rule = new NAdamRule((float)beta1, (float)(1 - beta1), (float)o.Beta2, (float)(1 - o.Beta2),
            (float)o.WeightDecay, (float)biasCorrection2, (float)o.Eps,
            GradCoefficient: (float)(-lr * (1.0 - mu) / (1.0 - muProduct)),
            AvgCoefficient: (float)(-lr * muNext / (1.0 - muProductNext)),
            L2: o.WeightDecay != 0);
        ElementwiseUpdate.Run(rule, param, grad, state.Buffer("exp_avg").Span, state.Buffer("exp_avg_sq").Span);
    }
}
