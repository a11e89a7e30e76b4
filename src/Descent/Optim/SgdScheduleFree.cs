using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="SgdScheduleFree"/>, with the reference implementation's names and defaults.</summary>
public sealed class SgdScheduleFreeOptions : OptimizerOptions, IScheduleFreeOptions, IMomentumOptions
{
    private double _momentum = 0.9, _weightDecay, _r, _weightLrPower = 2;
    private int _warmupSteps;

    /// <summary>The reference's defaults: lr 1.0, momentum 0.9, no weight decay, no warmup, r 0, weight_lr_power 2.</summary>
    public SgdScheduleFreeOptions() => Lr = 1.0;

    /// <summary>The interpolation β between x and z that makes y, in [0, 1) (default 0.9).</summary>
    public double Momentum { get => _momentum; set => _momentum = Check.UnitInterval(value, nameof(Momentum), "momentum"); }

    /// <summary>L2 weight decay λ, ≥ 0 (default 0): g ← g + λy.</summary>
    public double WeightDecay { get => _weightDecay; set => _weightDecay = Check.NonNegative(value, nameof(WeightDecay), "weight decay"); }

    /// <inheritdoc/>
    public int WarmupSteps { get => _warmupSteps; set => _warmupSteps = ScheduleFreeChecks.WarmupSteps(value, nameof(WarmupSteps)); }

    /// <inheritdoc/>
    public double R { get => _r; set => _r = Check.NonNegative(value, nameof(R), "r"); }

    /// <inheritdoc/>
    public double WeightLrPower { get => _weightLrPower; set => _weightLrPower = Check.NonNegative(value, nameof(WeightLrPower), "weight_lr_power"); }
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

    /// <summary>Builds the optimizer from the reference's keyword options: lr, momentum, weight_decay, warmup_steps, r, weight_lr_power.</summary>
    public static SgdScheduleFree FromTorch(IEnumerable<NamedParameter> parameters, TorchOptions o)
    {
        var options = new SgdScheduleFreeOptions();
        options.Lr = o.Number("lr", options.Lr);
        options.Momentum = o.Number("momentum", options.Momentum);
        options.WeightDecay = o.Number("weight_decay", options.WeightDecay);
        options.WarmupSteps = o.Integer("warmup_steps", options.WarmupSteps);
        options.R = o.Number("r", options.R);
        options.WeightLrPower = o.Number("weight_lr_power", options.WeightLrPower);
        return new SgdScheduleFree(parameters, options);
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, SgdScheduleFreeOptions o, ParameterState state)
    {
        var (z, x, y) = Iterates(param, state);
        var rule = new SgdScheduleFreeRule((float)o.WeightDecay, (float)-ScheduledLr,
            (float)(1 - AverageWeight), (float)AverageWeight, (float)o.Momentum, (float)(1 - o.Momentum));
        ElementwiseUpdate.Run(rule, param, grad, z.Span, x.Span, y.Span);
    }
}
