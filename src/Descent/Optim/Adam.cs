using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>
/// The hyper-parameters Adam and its variants (<see cref="Adam"/>, <see cref="AdamW"/>, <see cref="Adamax"/>,
/// <see cref="NAdam"/>, <see cref="RAdam"/>) share, validated as torch.optim validates them.
/// </summary>
public abstract class AdamFamilyOptions : BetaOptions
{
    /// <summary>Betas (0.9, 0.999), as torch's Adam family.</summary>
    protected AdamFamilyOptions() : base(0.9, 0.999) { }

    /// <summary>ε, added to the denominator for numerical stability, a finite number ≥ 0 (default 1e-8).</summary>
    [Hyper("eps", "added to the denominator for numerical stability", Symbol = "ε", Must = Must.BeNonNegative, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); } = 1e-8;

    /// <summary>
    /// The weight decay λ, ≥ 0 (default 0): an L2 penalty λθ added to the gradient, or for
    /// <see cref="AdamOptions.DecoupledWeightDecay"/> the factor of θ ← θ(1 − lr·λ).
    /// </summary>
    [Hyper("weight_decay", "L2 penalty λθ added to the gradient (decoupled θ ← θ(1 − ηλ) for AdamW)", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }
}

/// <summary>Hyper-parameters of <see cref="Adam"/> and <see cref="AdamW"/>, with PyTorch's names and defaults.</summary>
public sealed class AdamOptions : AdamFamilyOptions
{
    /// <summary>Adam's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-8, weight decay 0 (L2), no AMSGrad.</summary>
    public AdamOptions() => Lr = 1e-3;

    /// <summary>AdamW's defaults: Adam's with decoupled weight decay and λ = 0.01, as torch.optim.AdamW.</summary>
    public static AdamOptions AdamWDefaults() => new() { WeightDecay = 0.01, DecoupledWeightDecay = true };

    /// <summary>The AMSGrad variant: divide by the running maximum of v (Reddi et al., 2018).</summary>
    [Hyper("amsgrad", "divide by the running maximum of the second moment (AMSGrad)")]
    public bool Amsgrad { get; set; }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }

    /// <summary>
    /// Decoupled weight decay (AdamW, Loshchilov &amp; Hutter): θ ← θ(1 − lr·λ) before the Adam update, instead of
    /// adding λθ to the gradient. False for Adam, true for <see cref="AdamW"/>.
    /// </summary>
    [Hyper("decoupled_weight_decay", "decay θ ← θ(1 − ηλ) instead of adding λθ to the gradient (AdamW)", Extension = true)]
    public bool DecoupledWeightDecay { get; set; }
}

/// <summary>Adam (Kingma &amp; Ba, 2015), as torch.optim.Adam; with decoupled weight decay, AdamW.</summary>
/// <remarks>
/// <para>For each parameter θ with gradient g at update t (1-based), learning rate γ, betas β₁ β₂, ε, weight decay λ:</para>
/// <code>
/// g ← −g if maximize
/// g ← g + λθ                          (L2 penalty, Adam; when λ ≠ 0)
/// θ ← θ(1 − γλ)                       (decoupled weight decay instead, AdamW)
/// m ← β₁m + (1 − β₁)g
/// v ← β₂v + (1 − β₂)g²
/// v̂max ← max(v̂max, v)               (AMSGrad)
/// θ ← θ − γ/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)      (√v̂max with AMSGrad)
/// </code>
/// <para>Defaults: γ = 1e-3, β = (0.9, 0.999), ε = 1e-8, λ = 0, no AMSGrad, minimize. State per parameter, with
/// PyTorch's names: "exp_avg" (m), "exp_avg_sq" (v) and with AMSGrad "max_exp_avg_sq" (v̂max), all starting at 0.
/// Papers: "Adam: A Method for Stochastic Optimization" (arXiv:1412.6980); AMSGrad, "On the Convergence of Adam and
/// Beyond" (ICLR 2018).</para>
/// <para>Each step is one fused pass over θ, g and the buffers, computing what PyTorch 1.13's single-tensor
/// (for-loop) implementation computes with the same float32 roundings (scalars such as 1 − β₁ and the bias
/// corrections in double, then rounded once; <c>add(alpha=)</c> and <c>addcmul</c> as the fused multiply-adds
/// PyTorch's AVX2/AVX-512 CPU kernels make), so trajectories equal PyTorch's bit for bit. Groups may mix L2 and decoupled weight decay: <see cref="AdamOptions.DecoupledWeightDecay"/> is per group.</para>
/// </remarks>
public class Adam : Optimizer<AdamOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Adam(IEnumerable<Tensor> parameters, AdamOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Adam(IEnumerable<NamedParameter> parameters, AdamOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, AdamOptions o, ParameterState state)
    {
        var rule = AdamRule.For(o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, o.DecoupledWeightDecay, o.Amsgrad, o.Maximize, state.Step);
        var expAvg = state.Buffer("exp_avg").Span;
        var expAvgSq = state.Buffer("exp_avg_sq").Span;
        var maxExpAvgSq = o.Amsgrad ? state.Buffer("max_exp_avg_sq").Span : [];
        ElementwiseUpdate.Run(rule, param, grad, expAvg, expAvgSq, maxExpAvgSq);
    }
}

/// <summary>
/// AdamW (Loshchilov &amp; Hutter, "Decoupled Weight Decay Regularization", arXiv:1711.05101), as torch.optim.AdamW:
/// <see cref="Adam"/> configured with <see cref="AdamOptions.DecoupledWeightDecay"/> and λ = 0.01.
/// </summary>
/// <remarks>
/// <para>AdamW is not a copy of Adam: it is the same optimizer and kernel, whose options default to
/// <see cref="AdamOptions.AdamWDefaults"/>. Before the Adam update each parameter decays as θ ← θ(1 − γλ) and the
/// gradient is left as is; the rest of the update, the state names and the defaults (γ = 1e-3, β = (0.9, 0.999),
/// ε = 1e-8, AMSGrad, maximize) are Adam's. With λ = 0 it is exactly Adam.</para>
/// <para>The class exists so that code and the catalog can name it; options passed in must have
/// <see cref="AdamOptions.DecoupledWeightDecay"/> set (groups added later take a copy of the defaults).</para>
/// </remarks>
public sealed class AdamW : Adam
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public AdamW(IEnumerable<Tensor> parameters, AdamOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/>; <paramref name="options"/> must be decoupled.</summary>
    public AdamW(IEnumerable<NamedParameter> parameters, AdamOptions options) : base(parameters, RequireDecoupled(options)) { }

    private static AdamOptions RequireDecoupled(AdamOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return options.DecoupledWeightDecay ? options
            : throw new ArgumentException("AdamW needs options with DecoupledWeightDecay = true (start from AdamOptions.AdamWDefaults()); use Adam for an L2 penalty", nameof(options));
    }
}
