using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Adadelta"/>, with PyTorch's names and defaults.</summary>
public sealed class AdadeltaOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults (lr 1.0).</summary>
    public AdadeltaOptions() => Lr = 1.0;

    /// <summary>The decay ρ of both running averages, in [0, 1] (default 0.9).</summary>
    [Hyper("rho", "decay of both running averages (of g² and of Δ²)", Symbol = "ρ", Must = Must.BeInClosedUnitInterval)]
    public double Rho { get; set => field = Checked(value); } = 0.9;

    /// <summary>The term ε added inside both square roots, ≥ 0 (default 1e-6).</summary>
    [Hyper("eps", "added inside both square roots for numerical stability", Symbol = "ε", Must = Must.BeNonNegative, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); } = 1e-6;

    /// <summary>L2 penalty λ added to the gradient, ≥ 0 (default 0).</summary>
    [Hyper("weight_decay", "L2 penalty λθ added to the gradient", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }
}

/// <summary>Adadelta, as torch.optim.Adadelta: steps whose units come from a running average of past steps.</summary>
/// <remarks>
/// <para>For each parameter θ with gradient g, learning rate η, decay ρ, weight decay λ:</para>
/// <code>
/// g ← −g if maximize;  g ← g + λθ
/// v ← ρv + (1 − ρ)g²                         ("square_avg", from 0)
/// Δ ← √(u + ε) / √(v + ε) · g
/// u ← ρu + (1 − ρ)Δ²                         ("acc_delta", from 0)
/// θ ← θ − ηΔ
/// </code>
/// <para>Defaults: lr = 1.0, ρ = 0.9, ε = 1e-6, weight_decay = 0. Zeiler, "ADADELTA: An Adaptive Learning Rate
/// Method", arXiv:1212.5701, 2012 (whose rule is η = 1); ε sits inside the square roots as in the paper.</para>
/// <para>The scalars are computed in double, as torch does in Python, and rounded to float where torch's kernels
/// do; the elementwise work is one fused pass (<see cref="AdadeltaRule"/>).</para>
/// </remarks>
public sealed class Adadelta : Optimizer<AdadeltaOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Adadelta(IEnumerable<Tensor> parameters, AdadeltaOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Adadelta(IEnumerable<NamedParameter> parameters, AdadeltaOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, AdadeltaOptions o, ParameterState state)
    {
        var squareAvg = state.Buffer("square_avg");
        var accDelta = state.Buffer("acc_delta");
        var rule = new AdadeltaRule((float)o.Rho, (float)(1 - o.Rho), (float)o.Eps, (float)-o.Lr, (float)o.WeightDecay, o.Maximize);
        ElementwiseUpdate.Run(rule, param, grad, squareAvg.Span, accDelta.Span);
    }
}
