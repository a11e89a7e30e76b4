using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Lars"/>, with optax's <c>lars</c> names and defaults.</summary>
public sealed class LarsOptions : OptimizerOptions
{
    /// <summary>optax's defaults (weight decay 0, trust coefficient 0.001, eps 0, momentum 0.9, no Nesterov) and lr 1, which optax leaves to the caller.</summary>
    public LarsOptions() => Lr = 1;

    /// <summary>The weight decay λ ≥ 0 (default 0), added to the gradient before the trust ratio: g + λθ.</summary>
    [Hyper("weight_decay", "weight decay λθ added to the gradient before the trust ratio", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>The trust coefficient ζ ≥ 0 (default 0.001; the paper's η): the step's size relative to ‖θ‖.</summary>
    [Hyper("trust_coefficient", "the step's size relative to ‖θ‖ in the trust ratio", Symbol = "ζ", Must = Must.BeNonNegative)]
    public double TrustCoefficient { get; set => field = Checked(value); } = 0.001;

    /// <summary>ε ≥ 0 added to the update's norm in the trust ratio (default 0).</summary>
    [Hyper("eps", "added to the update's norm in the trust ratio", Symbol = "ε", Must = Must.BeNonNegative, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); }

    /// <summary>The momentum μ ≥ 0 of the trace (default 0.9).</summary>
    [Hyper("momentum", "momentum of the trace t ← μt − ηru", Symbol = "μ", Must = Must.BeNonNegative)]
    public double Momentum { get; set => field = Checked(value); } = 0.9;

    /// <summary>Nesterov momentum: apply u + μt instead of t (default false).</summary>
    [Hyper("nesterov", "Nesterov momentum: apply −ηru + μt instead of t")]
    public bool Nesterov { get; set; }
}

/// <summary>
/// LARS, "Layer-wise Adaptive Rate Scaling" (You, Gitman &amp; Ginsburg, 2017, "Large Batch Training of
/// Convolutional Networks", arXiv:1708.03888), as optax's <c>lars</c> chains it.
/// </summary>
/// <remarks>
/// <para>For each parameter tensor θ (one layer's weight or bias) with gradient g, learning rate η:</para>
/// <code>
/// u = g + λθ
/// r = ζ‖θ‖ / (‖u‖ + ε)       (1 when ‖θ‖ or ‖u‖ is 0)
/// t ← μt − η·r·u             (trace)
/// θ ← θ + t                  (θ + (−η·r·u) + μt with Nesterov)
/// </code>
/// <para>Defaults: ζ = 0.001, λ = 0, ε = 0, μ = 0.9, no Nesterov; η = 1 (optax has no default; the paper's
/// "global learning rate" γ, used with a polynomial decay). The paper writes the local rate as ζ‖θ‖/(‖g‖ + λ‖θ‖);
/// optax — and Descent — take the norm of g + λθ instead, which is the same when λ = 0. The trust ratio makes each
/// layer move by a fixed fraction of its own norm, which is what lets very large batches train with large rates
/// (SGD is LARS with the ratio fixed at 1). optax also lets a mask exclude tensors (biases, norms) from the decay
/// and the ratio; here every tensor takes both. No reference recording exists (optax runs on JAX): the tests check
/// two steps against values derived by hand from the formula above. State: "trace" (t).</para>
/// </remarks>
public sealed class Lars : Optimizer<LarsOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Lars(IEnumerable<NamedParameter> parameters, LarsOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...).</summary>
    public Lars(IEnumerable<Tensor> parameters, LarsOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, LarsOptions o, ParameterState state)
    {
        var t = state.Buffer("trace").Span;
        // ‖θ‖² and ‖u‖² of u = g + λθ (add_decayed_weights), in one pass that stores no u
        var (paramSquares, updateSquares) = Tensors.Kernels.Reductions.SumsOfSquaresDouble(param, grad, (float)o.WeightDecay);
        double paramNorm = Math.Sqrt(paramSquares), updateNorm = Math.Sqrt(updateSquares);
        double ratio = paramNorm == 0 || updateNorm == 0 ? 1 : o.TrustCoefficient * paramNorm / (updateNorm + o.Eps);   // scale_by_trust_ratio
        ElementwiseUpdate.Run(new LarsRule((float)o.WeightDecay, (float)(-o.Lr * ratio), (float)o.Momentum, o.Nesterov), param, grad, t);   // scale_by_learning_rate, trace
    }
}
