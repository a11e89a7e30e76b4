using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="RAdam"/>, with PyTorch's names and defaults.</summary>
public sealed class RAdamOptions : AdamFamilyOptions
{
    /// <summary>RAdam's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.</summary>
    public RAdamOptions() => Lr = 1e-3;
}

/// <summary>RAdam, rectified Adam (Liu et al., 2020), as torch.optim.RAdam.</summary>
/// <remarks>
/// <para>For each parameter θ with gradient g at update t (1-based), learning rate γ, betas β₁ β₂, ε, weight decay λ:</para>
/// <code>
/// g ← g + λθ                          (when λ ≠ 0)
/// m ← β₁m + (1 − β₁)g
/// v ← β₂v + (1 − β₂)g²
/// m̂ = m / (1 − β₁ᵗ)
/// ρ∞ = 2/(1 − β₂) − 1,  ρₜ = ρ∞ − 2tβ₂ᵗ/(1 − β₂ᵗ)
/// if ρₜ &gt; 5:  r = √((ρₜ − 4)(ρₜ − 2)ρ∞ / ((ρ∞ − 4)(ρ∞ − 2)ρₜ)),  θ ← θ − γ · m̂ · √(1 − β₂ᵗ)/(√v + ε) · r
/// else:       θ ← θ − γ · m̂
/// </code>
/// <para>Defaults: γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0. State per parameter, with PyTorch's names:
/// "exp_avg" (m) and "exp_avg_sq" (v), starting at 0. As in PyTorch 1.13, weight decay is the L2 penalty (no
/// decoupled form) and there is no maximize option. With the default β₂ the first five updates are un-adapted
/// (ρₜ ≤ 5) and the rectified form starts at t = 6. Paper: "On the Variance of the Adaptive Learning Rate and Beyond"
/// (arXiv:1908.03265).</para>
/// <para>Each step is one fused pass computing what PyTorch 1.13's single-tensor implementation computes, with the
/// same float32 roundings (√(1 − β₂ᵗ)/(√v + ε) is formed, as there, as the reciprocal of √v + ε times the scalar).</para>
/// </remarks>
public sealed class RAdam : Optimizer<RAdamOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public RAdam(IEnumerable<Tensor> parameters, RAdamOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public RAdam(IEnumerable<NamedParameter> parameters, RAdamOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, RAdamOptions o, ParameterState state)
    {
        var rule = RAdamRule.For(o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, state.Step);
        ElementwiseUpdate.Run(rule, param, grad, state.Buffer("exp_avg").Span, state.Buffer("exp_avg_sq").Span);
    }
}
