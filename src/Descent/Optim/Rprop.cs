using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Rprop"/>, with PyTorch's names and defaults.</summary>
public sealed class RpropOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2: the initial step size).</summary>
    public RpropOptions() => Lr = 1e-2;

    /// <summary>
    /// The factors (η−, η+) that shrink a step size when the gradient changes sign and grow it when the sign holds;
    /// 0 &lt; η− &lt; 1 &lt; η+ (default (0.5, 1.2)).
    /// </summary>
    [Hyper("etas", "factors that shrink a step size on a sign change and grow it while the sign holds (0 < η₋ < 1 < η₊, finite)", Symbol = "η₋, η₊")]
    public (double Minus, double Plus) Etas
    {
        get;
        set => field = value.Minus > 0 && value.Minus < 1 && value.Plus > 1 && double.IsFinite(value.Plus) ? value
            : throw new ArgumentOutOfRangeException(nameof(Etas), value, "etas must satisfy 0 < eta_minus < 1 < eta_plus (finite)");
    } = (0.5, 1.2);

    /// <summary>The bounds (min, max) of every step size; finite, 0 ≤ min ≤ max (default (1e-6, 50)).</summary>
    [Hyper("step_sizes", "the bounds (min, max) of every step size (finite, 0 <= min <= max)")]
    public (double Min, double Max) StepSizes
    {
        get;
        set => field = value.Min >= 0 && value.Min <= value.Max && double.IsFinite(value.Max) ? value
            : throw new ArgumentOutOfRangeException(nameof(StepSizes), value, "step_sizes must be finite with 0 <= min <= max");
    } = (1e-6, 50);

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }
}

/// <summary>
/// Rprop (resilient backpropagation), as torch.optim.Rprop: every element moves by its own step size in the
/// direction opposite to the gradient's sign, the step size adapting to whether that sign holds.
/// </summary>
/// <remarks>
/// <para>For each element with gradient g, previous (stored) gradient g′, step size s, factors η− &lt; 1 &lt; η+:</para>
/// <code>
/// g ← −g if maximize
/// f = η+ if g·g′ &gt; 0,  η− if g·g′ &lt; 0,  1 otherwise
/// s ← clamp(s·f, min, max)                ("step_size", starts at lr)
/// g ← 0 where f = η−                     (a sign flip: no move now, and no flip seen next step)
/// θ ← θ − sign(g)·s
/// g′ ← g                                 ("prev", from 0)
/// </code>
/// <para>Defaults: lr = 1e-2, etas = (0.5, 1.2), step_sizes = (1e-6, 50). Riedmiller and Braun, "A Direct Adaptive
/// Method for Faster Backpropagation Learning: The RPROP Algorithm", ICNN 1993; this is the iRprop− variant of
/// Igel and Hüsken (2000), which is what PyTorch 1.13 implements. The learning rate is read only when a
/// parameter's step sizes are created, at its first update; changing it later has no effect, as in PyTorch.</para>
/// <para>The product g·g′ is rounded to float before its sign is taken, as in torch (so two tiny gradients whose
/// product underflows count as "no sign information"). The update is one fused pass (<see cref="RpropRule"/>).</para>
/// </remarks>
public sealed class Rprop : Optimizer<RpropOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Rprop(IEnumerable<Tensor> parameters, RpropOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Rprop(IEnumerable<NamedParameter> parameters, RpropOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, RpropOptions o, ParameterState state)
    {
        var prev = state.Buffer("prev");
        var stepSize = state.Buffer("step_size", (float)o.Lr);
        var rule = new RpropRule((float)o.Etas.Minus, (float)o.Etas.Plus, (float)o.StepSizes.Min, (float)o.StepSizes.Max, o.Maximize);
        ElementwiseUpdate.Run(rule, param, grad, prev.Span, stepSize.Span);
    }
}
