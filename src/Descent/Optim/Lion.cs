using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Lion"/>, with the reference implementation's names and defaults.</summary>
public sealed class LionOptions : BetaOptions
{
    /// <summary>Lion's defaults: lr 1e-4, betas (0.9, 0.99) (β₁ interpolates momentum and gradient for the update's sign, β₂ decays the momentum m), weight decay 0.</summary>
    public LionOptions() : base(0.9, 0.99) => Lr = 1e-4;

    /// <summary>The decoupled weight decay λ, ≥ 0 (default 0): θ ← θ(1 − ηλ) before each update.</summary>
    [Hyper("weight_decay", "decoupled weight decay: θ ← θ(1 − ηλ) before each update", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }
}

/// <summary>
/// Lion, "EvoLved Sign Momentum" (Chen et al., 2023, "Symbolic Discovery of Optimization Algorithms",
/// arXiv:2302.06675), as the authors' PyTorch implementation (google/automl, lion/lion_pytorch.py) computes it.
/// </summary>
/// <remarks>
/// <para>For each parameter θ with gradient g, learning rate η, betas β₁ β₂ and weight decay λ:</para>
/// <code>
/// θ ← θ·(1 − ηλ)                      (decoupled weight decay)
/// c ← β₁m + (1 − β₁)g                 (the interpolation whose sign is the update)
/// θ ← θ − η·sign(c)
/// m ← β₂m + (1 − β₂)g
/// </code>
/// <para>Defaults: η = 1e-4, β = (0.9, 0.99), λ = 0. State per parameter: "exp_avg" (m), starting at 0. Every
/// update has the same size η per coordinate, so Lion's learning rate is usually 3–10× smaller than AdamW's and its
/// weight decay 3–10× larger. The arithmetic follows the reference's float32 operations: c is two products and a
/// sum, m's update one fused multiply-add (torch's <c>add_(g, alpha=1 − β₂)</c>), replayed against recordings of the
/// authors' code.</para>
/// </remarks>
public sealed class Lion : Optimizer<LionOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Lion(IEnumerable<NamedParameter> parameters, LionOptions options) : base(parameters, options) { }

    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Lion(IEnumerable<Tensor> parameters, LionOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, LionOptions o, ParameterState state)
    {
        ElementwiseUpdate.Run(LionRule.For(o.Lr, o.Beta1, o.Beta2, o.WeightDecay), param, grad, state.Buffer("exp_avg").Span);
    }
}
