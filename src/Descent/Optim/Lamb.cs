using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Lamb"/>, with the reference implementation's names and defaults.</summary>
public sealed class LambOptions : BetaOptions
{
    /// <summary>The reference's defaults: lr 1e-3, betas (0.9, 0.999), eps 1e-6, weight decay 0, trust ratio on.</summary>
    public LambOptions() : base(0.9, 0.999) => Lr = 1e-3;

    /// <summary>ε ≥ 0, added to √v (default 1e-6).</summary>
    [Hyper("eps", "added to √v in the Adam direction for numerical stability", Symbol = "ε", Must = Must.BeNonNegative, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); } = 1e-6;

    /// <summary>The weight decay λ ≥ 0 (default 0), added to the Adam direction as λθ before the trust ratio.</summary>
    [Hyper("weight_decay", "weight decay λθ added to the Adam direction before the trust ratio", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>Always use trust ratio 1, which turns LAMB into Adam without bias correction (for comparisons).</summary>
    [Hyper("adam", "always use trust ratio 1: Adam without bias correction (for comparisons)")]
    public bool Adam { get; set; }
}

/// <summary>
/// LAMB, "Layer-wise Adaptive Moments for Batch training" (You et al., 2020, "Large Batch Optimization for Deep
/// Learning: Training BERT in 76 minutes", arXiv:1904.00962), as the reference implementation
/// (cybertronai/pytorch-lamb, pytorch_lamb/lamb.py) computes it.
/// </summary>
/// <remarks>
/// <para>For each parameter tensor θ (one layer's weight or bias) with gradient g, learning rate η:</para>
/// <code>
/// m ← β₁m + (1 − β₁)g;   v ← β₂v + (1 − β₂)g²          (no bias correction: paper v3)
/// a = m/(√v + ε) + λθ                                  (the Adam direction with decoupled decay)
/// r = min(‖θ‖, 10) / ‖a‖   (1 when either norm is 0; 1 with adam=True)
/// θ ← θ − η·r·a
/// </code>
/// <para>Defaults: η = 1e-3, β = (0.9, 0.999), ε = 1e-6, λ = 0. The trust ratio r rescales each layer's step to a
/// fixed fraction η of the layer's own norm, whatever the gradient's scale: that is what lets very large batches
/// use large learning rates. State: "exp_avg", "exp_avg_sq" and, as the reference logs them, the scalars
/// "weight_norm", "adam_norm" and "trust_ratio" of the last step. Norms are float32 sums in torch's order.</para>
/// </remarks>
public sealed class Lamb : Optimizer<LambOptions>
{
    private const float WeightNormClamp = 10f;
    private float[] _a = [];

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Lamb(IEnumerable<NamedParameter> parameters, LambOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...).</summary>
    public Lamb(IEnumerable<Tensor> parameters, LambOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, LambOptions o, ParameterState state)
    {
        var m = state.Buffer("exp_avg").Span;
        var v = state.Buffer("exp_avg_sq").Span;
        var a = (_a.Length >= param.Length ? _a : _a = new float[param.Length]).AsSpan(0, param.Length);
        ElementwiseUpdate.Run(new LambRule((float)o.Beta1, (float)(1 - o.Beta1), (float)o.Beta2, (float)(1 - o.Beta2),
            (float)o.Eps, Decays: o.WeightDecay != 0, (float)o.WeightDecay), param, grad, m, v, a);
        var (weightSquares, adamSquares) = ReductionPair.Run<RoundedSquaresSum>(param, a);    // .pow(2).sum() of p and adam_step
        float weightNorm = Math.Clamp(MathF.Sqrt((float)weightSquares), 0f, WeightNormClamp); // p.pow(2).sum().sqrt().clamp(0, 10)
        float adamNorm = MathF.Sqrt((float)adamSquares);                           // adam_step.pow(2).sum().sqrt()
        float trust = weightNorm == 0 || adamNorm == 0 ? 1f : weightNorm / adamNorm;
        state.SetScalar("weight_norm", weightNorm);
        state.SetScalar("adam_norm", adamNorm);
        state.SetScalar("trust_ratio", trust);
        float step = (float)-o.Lr * (o.Adam ? 1f : trust);                         // -step_size * trust_ratio, a float32 tensor
        ElementwiseUpdate.Run(new ScaledAddRule(step, Decays: false, 1f), param, a);   // p.add_(adam_step, alpha=...)
    }
}
