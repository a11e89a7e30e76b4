using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Adamax"/>, with PyTorch's names and defaults.</summary>
public sealed class AdamaxOptions : AdamFamilyOptions
{
    /// <summary>Adamax's defaults: lr 2e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0.</summary>
    public AdamaxOptions() => Lr = 2e-3;

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }
}

/// <summary>Adamax, Adam with the infinity norm (Kingma &amp; Ba, 2015, section 7.1), as torch.optim.Adamax.</summary>
/// <remarks>
/// <para>For each parameter θ with gradient g at update t (1-based), learning rate γ, betas β₁ β₂, ε, weight decay λ:</para>
/// <code>
/// g ← −g if maximize
/// g ← g + λθ                          (when λ ≠ 0)
/// m ← β₁m + (1 − β₁)g
/// u ← max(β₂u, |g| + ε)
/// θ ← θ − γ/(1 − β₁ᵗ) · m / u
/// </code>
/// <para>Defaults: γ = 2e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0, minimize. State per parameter, with PyTorch's names:
/// "exp_avg" (m) and "exp_inf" (u), starting at 0. ε is added to |g| inside the maximum, as PyTorch does (the paper
/// has no ε). Paper: "Adam: A Method for Stochastic Optimization" (arXiv:1412.6980).</para>
/// <para>Each step is one fused pass computing what PyTorch 1.13's single-tensor implementation computes, with the
/// same float32 roundings.</para>
/// </remarks>
public sealed class Adamax : Optimizer<AdamaxOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Adamax(IEnumerable<Tensor> parameters, AdamaxOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Adamax(IEnumerable<NamedParameter> parameters, AdamaxOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, AdamaxOptions o, ParameterState state)
    {
        var rule = AdamaxRule.For(o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, o.Maximize, state.Step);
        ElementwiseUpdate.Run(rule, param, grad, state.Buffer("exp_avg").Span, state.Buffer("exp_inf").Span);
    }
}
