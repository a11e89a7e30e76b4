using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Adadelta"/>, with PyTorch's names and defaults.</summary>
public sealed class AdadeltaOptions : OptimizerOptions
{
    private double _rho = 0.9, _eps = 1e-6, _weightDecay;

    /// <summary>Creates the options with PyTorch's defaults (lr 1.0).</summary>
    public AdadeltaOptions() => Lr = 1.0;

    /// <summary>The decay ρ of both running averages, in [0, 1] (default 0.9).</summary>
    public double Rho { get => _rho; set => _rho = Check.ClosedUnitInterval(value, nameof(Rho), "rho"); }

    /// <summary>The term ε added inside both square roots, ≥ 0 (default 1e-6).</summary>
    public double Eps { get => _eps; set => _eps = Check.NonNegative(value, nameof(Eps), "epsilon"); }

    /// <summary>L2 penalty λ added to the gradient, ≥ 0 (default 0).</summary>
    public double WeightDecay { get => _weightDecay; set => _weightDecay = Check.NonNegative(value, nameof(WeightDecay), "weight decay"); }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
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

    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Adadelta(IEnumerable<Tensor> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0, bool maximize = false)
        : this(NamedParameter.ByPosition(parameters), lr, rho, eps, weightDecay, maximize) { }

    /// <summary>Creates the optimizer with PyTorch's keyword options.</summary>
    public Adadelta(IEnumerable<NamedParameter> parameters, double lr = 1.0, double rho = 0.9, double eps = 1e-6,
        double weightDecay = 0, bool maximize = false)
        : this(parameters, new AdadeltaOptions { Lr = lr, Rho = rho, Eps = eps, WeightDecay = weightDecay, Maximize = maximize }) { }

    /// <summary>Builds the optimizer from torch.optim.Adadelta keyword options (lr, rho, eps, weight_decay, maximize).</summary>
    public static Adadelta FromTorch(IEnumerable<NamedParameter> parameters, TorchOptions o) => new(parameters, new AdadeltaOptions
    {
        Lr = o.Number("lr", 1.0),
        Rho = o.Number("rho", 0.9),
        Eps = o.Number("eps", 1e-6),
        WeightDecay = o.Number("weight_decay", 0),
        Maximize = o.Flag("maximize", false),
    });

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, AdadeltaOptions o, ParameterState state)
    {
        var squareAvg = state.Buffer("square_avg");
        var accDelta = state.Buffer("acc_delta");
        var rule = new AdadeltaRule((float)o.Rho, (float)(1 - o.Rho), (float)o.Eps, (float)-o.Lr, (float)o.WeightDecay, o.Maximize);
        ElementwiseUpdate.Run(rule, param, grad, squareAvg.Span, accDelta.Span);
    }
}
