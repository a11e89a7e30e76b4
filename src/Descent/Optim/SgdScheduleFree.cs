using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="SgdScheduleFree"/>, with the reference implementation's names and defaults.</summary>
public sealed class SgdScheduleFreeOptions : OptimizerOptions, IScheduleFreeOptions, IMomentumOptions
{
    /// <summary>The reference's defaults: lr 1.0, momentum 0.9, no weight decay, no warmup, r 0, weight_lr_power 2.</summary>
    public SgdScheduleFreeOptions() => Lr = 1.0;

    /// <summary>The interpolation β between x and z that makes y, in [0, 1) (default 0.9).</summary>
    [Hyper("momentum", "interpolation between the average x and the iterate z that makes the gradient point y", Symbol = "β", Must = Must.BeInUnitInterval)]
    public double Momentum { get; set => field = Checked(value); } = 0.9;

    /// <summary>L2 weight decay λ, ≥ 0 (default 0): g ← g + λy.</summary>
    [Hyper("weight_decay", "L2 penalty λy added to the gradient", Symbol = "λ", Must = Must.BeNonNegative)]
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
}

/// <summary>
/// Schedule-Free SGD (Defazio et al., 2024, "The Road Less Scheduled", arXiv:2405.15682), as the authors' reference
/// implementation (facebookresearch/schedule_free, <c>sgd_schedulefree_reference.py</c>) computes it: plain SGD on z,
/// averaged into x, gradients taken at y — momentum without a momentum buffer.
/// </summary>
/// <remarks>
/// <para>Per parameter, with η_t and c from <see cref="ScheduleFree{TOptions}"/> and β = momentum:</para>
/// <code>
/// g ← g + λy                          (if λ ≠ 0; the reference writes this into p.grad, Descent does not)
/// z ← z − η_t·g;   x ← (1−c)x + c·z;   y ← βx + (1−β)z;   θ ← y
/// </code>
/// <para>Defaults: η = 1.0, β = 0.9, λ = 0, warmup_steps = 0, r = 0, weight_lr_power = 2. State: "z", "x", "y"; the
/// trainer switches to x for evaluation and checkpoints (<see cref="ITrainEvalSwitch"/>). Replayed bit for bit
/// against recordings of the reference code.</para>
/// </remarks>
public sealed class SgdScheduleFree : ScheduleFree<SgdScheduleFreeOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public SgdScheduleFree(IEnumerable<NamedParameter> parameters, SgdScheduleFreeOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors, named by position ("0", "1", ...) as torch.optim numbers them.</summary>
    public SgdScheduleFree(IEnumerable<Tensor> parameters, SgdScheduleFreeOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, SgdScheduleFreeOptions o, ParameterState state)
    {
        var (z, x, y) = Iterates(param, state);
        var rule = new SgdScheduleFreeRule((float)o.WeightDecay, (float)-ScheduledLr,
            (float)(1 - AverageWeight), (float)AverageWeight, (float)o.Momentum, (float)(1 - o.Momentum));
        ElementwiseUpdate.Run(rule, param, grad, z.Span, x.Span, y.Span);
    }
}
