using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="AdamWScheduleFree"/>, with the reference implementation's names and defaults.</summary>
public sealed class AdamWScheduleFreeOptions : BetaOptions, IScheduleFreeOptions
{
    /// <summary>The reference's defaults: lr 0.0025, betas (0.9, 0.999), eps 1e-8, no weight decay, no warmup, r 0, weight_lr_power 2.</summary>
    public AdamWScheduleFreeOptions() : base(0.9, 0.999) => Lr = 0.0025;

    /// <summary>ε, added to the root of the second moment, &gt; 0 (default 1e-8).</summary>
    [Hyper("eps", "added to the root of the second moment for numerical stability", Symbol = "ε", Must = Must.BePositive, Noun = "epsilon value")]
    public double Eps { get; set => field = Checked(value); } = 1e-8;

    /// <summary>The decoupled weight decay λ, ≥ 0 (default 0): z ← z − η_t·λ·y (or ·z with <see cref="DecayAtZ"/>).</summary>
    [Hyper("weight_decay", "decoupled weight decay: z ← z − ηₜλy (λz with decay_at_z)", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <inheritdoc/>
    [Hyper("warmup_steps", "steps of linear learning-rate warmup (an integer >= 0)", Must = Must.BeNonNegative, Noun = "warmup_steps")]
    public int WarmupSteps { get; set => field = Checked(value); }

    /// <inheritdoc/>
    [Hyper("r", "power of the polynomial weighting (k + 1)^r of the average", Must = Must.BeNonNegative)]
    public double R { get; set => field = Checked(value); }

    /// <inheritdoc/>
    [Hyper("weight_lr_power", "power of the largest learning rate so far in each step's averaging weight", Must = Must.BeNonNegative, Noun = "weight_lr_power")]
    public double WeightLrPower { get; set => field = Checked(value); } = 2;

    /// <summary>Decay at z instead of y (default false).</summary>
    [Hyper("decay_at_z", "apply the weight decay at z instead of y")]
    public bool DecayAtZ { get; set; }

    /// <summary>A momentum μ of the gradient inside the base step, in [0, 1) (default 0, none): state "exp_avg".</summary>
    [Hyper("inner_momentum", "momentum of the gradient inside the base step (0: none)", Symbol = "μ", Must = Must.BeInUnitInterval, Noun = "inner_momentum")]
    public double InnerMomentum { get; set => field = Checked(value); }
}

/// <summary>
/// Schedule-Free AdamW (Defazio et al., 2024, "The Road Less Scheduled", arXiv:2405.15682), as the authors' reference
/// implementation (facebookresearch/schedule_free, <c>adamw_schedulefree_reference.py</c>) computes it: Adam's
/// normalized step on z, averaged into x, gradients taken at y. No learning-rate schedule is needed beyond warmup.
/// </summary>
/// <remarks>
/// <para>Per parameter, with η_t, c and k from <see cref="ScheduleFree{TOptions}"/> and β₁ the interpolation:</para>
/// <code>
/// z ← z − η_t·λ·(z if decay_at_z else y)                       (if λ ≠ 0)
/// v ← β₂v + (1−β₂)g²;   den = √(v/(1−β₂^(k+1))) + ε
/// u = g, or with inner_momentum μ: m ← μm + (1−μ)g, u = m/(1−μ^(k+1))
/// z ← z − η_t·u/den;   x ← (1−c)x + c·z;   y ← β₁x + (1−β₁)z;   θ ← y
/// </code>
/// <para>Defaults: η = 0.0025, β = (0.9, 0.999), ε = 1e-8, λ = 0, warmup_steps = 0, r = 0, weight_lr_power = 2,
/// decay_at_z = false, inner_momentum = 0. State: "z", "x", "y", "exp_avg_sq" (and "exp_avg"); the trainer switches
/// to x for evaluation and checkpoints (<see cref="ITrainEvalSwitch"/>). Replayed bit for bit against recordings of
/// the reference code.</para>
/// </remarks>
public sealed class AdamWScheduleFree : ScheduleFree<AdamWScheduleFreeOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public AdamWScheduleFree(IEnumerable<NamedParameter> parameters, AdamWScheduleFreeOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors, named by position ("0", "1", ...) as torch.optim numbers them.</summary>
    public AdamWScheduleFree(IEnumerable<Tensor> parameters, AdamWScheduleFreeOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, AdamWScheduleFreeOptions o, ParameterState state)
    {
        var (z, x, y) = Iterates(param, state);
        var v = state.Buffer("exp_avg_sq").Span;
        bool momentum = o.InnerMomentum != 0;
        var m = momentum ? state.Buffer("exp_avg").Span : default;
        var rule = new AdamWScheduleFreeRule(
            Decays: o.WeightDecay != 0, DecayAtZ: o.DecayAtZ, NegDecay: (float)-(ScheduledLr * o.WeightDecay),
            Beta2: (float)o.Beta2, OneMinusBeta2: (float)(1 - o.Beta2), Bc2: (float)(1 - Math.Pow(o.Beta2, GroupStep + 1)),
            Eps: (float)o.Eps, Momentum: momentum, Mu: (float)o.InnerMomentum, OneMinusMu: (float)(1 - o.InnerMomentum),
            Bc1: momentum ? (float)(1 - Math.Pow(o.InnerMomentum, GroupStep + 1)) : 1f, NegLr: (float)-ScheduledLr);
        ElementwiseUpdate.Run(rule, y.Span, grad, z.Span, v, m);                 // y is read (the decay point), not written
        Interpolate(param, z.Span, x.Span, y.Span, o.Beta1);
    }
}
