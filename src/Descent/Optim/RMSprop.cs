using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="RMSprop"/>, with PyTorch's names and defaults.</summary>
public sealed class RMSpropOptions : OptimizerOptions, IMomentumOptions
{
    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2).</summary>
    public RMSpropOptions() => Lr = 1e-2;

    /// <summary>The smoothing constant α of the running averages, ≥ 0 (default 0.99).</summary>
    [Hyper("alpha", "smoothing constant of the running averages of g² (and of g when centered)", Symbol = "α", Must = Must.BeNonNegative)]
    public double Alpha { get; set => field = Checked(value); } = 0.99;

    /// <summary>The term ε that keeps the division finite, ≥ 0 (default 1e-8).</summary>
    [Hyper("eps", "added to the denominator √v to keep the division finite", Symbol = "ε", Must = Must.BeNonNegative, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); } = 1e-8;

    /// <summary>L2 penalty λ added to the gradient, ≥ 0 (default 0).</summary>
    [Hyper("weight_decay", "L2 penalty λθ added to the gradient", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>The momentum factor μ, ≥ 0 (default 0: no momentum buffer).</summary>
    [Hyper("momentum", "momentum factor of the buffer of scaled gradients (0: none)", Symbol = "μ", Must = Must.BeNonNegative)]
    public double Momentum { get; set => field = Checked(value); }

    /// <summary>Divide by the centered second moment (an estimate of the variance) instead of the raw one.</summary>
    [Hyper("centered", "divide by the centered second moment v − m² (an estimate of the variance)")]
    public bool Centered { get; set; }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }

    /// <summary>
    /// Where ε goes: <see cref="EpsilonPlacement.OutsideSqrt"/> (PyTorch, the default) divides by √v + ε,
    /// <see cref="EpsilonPlacement.InsideSqrt"/> (the textbook form) by √(v + ε).
    /// </summary>
    [Hyper("epsilon_placement", "where ε goes: outside_sqrt (PyTorch: √v + ε) or inside_sqrt (textbook: √(v + ε))", Extension = true)]
    public EpsilonPlacement EpsilonPlacement { get; set; }

    /// <summary>
    /// How the momentum buffer is written when μ &gt; 0 (default <see cref="MomentumForm.PyTorch"/>): see
    /// <see cref="RMSprop"/> for each form and its mapping to PyTorch's.
    /// </summary>
    [Hyper("form", "the momentum buffer's form when μ > 0: pytorch (b ← μb + g/d), sutskever (v ← μv − ηg/d), ema (b ← μb + (1 − μ)g/d, needs μ < 1)", Extension = true)]
    public MomentumForm Form { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Form == MomentumForm.Ema && Momentum >= 1)
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "the moving-average momentum form needs a momentum in [0, 1)");
    }
}

/// <summary>RMSprop, as torch.optim.RMSprop: steps divided by the root of a running mean of squared gradients.</summary>
/// <remarks>
/// <para>For each parameter θ with gradient g, learning rate η, smoothing α, momentum μ, weight decay λ:</para>
/// <code>
/// g ← −g if maximize;  g ← g + λθ
/// v ← αv + (1 − α)g²                                ("square_avg", from 0)
/// m ← αm + (1 − α)g;  v̂ = v − m²   if centered      ("grad_avg", from 0), else v̂ = v
/// d = √v̂ + ε                                        (EpsilonPlacement.InsideSqrt: d = √(v̂ + ε))
/// μ = 0:  θ ← θ − η g / d
/// μ &gt; 0: b ← μb + g / d;  θ ← θ − ηb               ("momentum_buffer", from 0)
/// </code>
/// <para>Defaults: lr = 1e-2, α = 0.99, ε = 1e-8, weight_decay = 0, momentum = 0, centered = false. Hinton,
/// Srivastava and Swersky, Neural Networks for Machine Learning, lecture 6e (2012); the centered form is Graves,
/// "Generating Sequences With Recurrent Neural Networks", arXiv:1308.0850, 2013.</para>
/// <para>The textbook forms are options. <see cref="RMSpropOptions.EpsilonPlacement"/> puts ε inside the root.
/// <see cref="RMSpropOptions.Form"/> chooses how the velocity is written when μ &gt; 0:
/// <see cref="MomentumForm.Sutskever"/> is the seeds' v ← μv − η g/d, θ ← θ + v, which equals PyTorch's form with
/// v = −η·b while η is constant; <see cref="MomentumForm.Ema"/> is b ← μb + (1 − μ) g/d, θ ← θ − ηb, which equals
/// PyTorch's form run with η·(1 − μ). Each keeps its velocity in "momentum_buffer".</para>
/// <para>The scalars are computed in double, as torch does in Python, and rounded to float where torch's kernels
/// do; the elementwise work is one fused pass (<see cref="RMSpropRule"/>).</para>
/// </remarks>
public sealed class RMSprop : Optimizer<RMSpropOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public RMSprop(IEnumerable<Tensor> parameters, RMSpropOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public RMSprop(IEnumerable<NamedParameter> parameters, RMSpropOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, RMSpropOptions o, ParameterState state)
    {
        var squareAvg = state.Buffer("square_avg").Span;
        var gradAvg = o.Centered ? state.Buffer("grad_avg").Span : [];
        bool momentum = o.Momentum > 0;
        var buffer = momentum ? state.Buffer("momentum_buffer").Span : [];
        var rule = new RMSpropRule(
            (float)o.Alpha, (float)(1 - o.Alpha), (float)o.Eps, (float)o.Lr, (float)-o.Lr, (float)o.WeightDecay,
            (float)o.Momentum, (float)(1 - o.Momentum), momentum ? o.Form : null, o.Centered,
            o.EpsilonPlacement == EpsilonPlacement.InsideSqrt, o.Maximize);
        ElementwiseUpdate.Run(rule, param, grad, squareAvg, gradAvg, buffer);
    }
}
