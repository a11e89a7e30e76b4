using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// What the Schedule-Free optimizers share (Defazio et al., 2024, "The Road Less Scheduled", arXiv:2405.15682): three
/// sequences per parameter — z (the base optimizer's iterate), x (a weighted average of z, the point to evaluate) and
/// y = βx + (1−β)z (the point where gradients are taken, held by the parameter while training) — and, per group, the
/// averaging weights and the train/eval switch (<see cref="ITrainEvalSwitch"/>).
/// </summary>
/// <remarks>
/// <para>Per group and step, as the reference implementations (facebookresearch/schedule_free) compute it in doubles:</para>
/// <code>
/// sched = (k+1)/warmup_steps if k &lt; warmup_steps else 1;  η_t = η·sched   ("scheduled_lr")
/// lr_max ← max(lr_max, η_t);  w = (k+1)^r · lr_max^weight_lr_power;  W ← W + w;  c = w/W (0 if W = 0)
/// k ← k + 1                                                              (even when no parameter has a gradient)
/// </code>
/// <para>Per parameter, after the rule of the subclass moves z: x ← (1−c)·x + c·z; y ← β·x + (1−β)·z; θ ← y.
/// Group scalars (<see cref="ParamGroup.Scalars"/>): "k", "weight_sum", "lr_max" (−1 before the first step),
/// "scheduled_lr", "train_mode" (1 or 0). State per parameter: "z", "x", "y" (copies of θ at its first gradient).
/// The optimizer starts in training mode; <see cref="Eval"/> puts x into the parameters and <see cref="Train"/> puts y
/// back, both exactly, so a checkpoint written in evaluation mode resumes bit for bit. <see cref="Optimizer.Step()"/>
/// refuses to run in evaluation mode, as the reference does.</para>
/// </remarks>
/// <typeparam name="TOptions">The optimizer's hyper-parameters.</typeparam>
public abstract class ScheduleFree<TOptions> : Optimizer<TOptions>, ITrainEvalSwitch
    where TOptions : OptimizerOptions, IScheduleFreeOptions
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>, in training mode.</summary>
    protected ScheduleFree(IEnumerable<NamedParameter> parameters, TOptions options) : base(parameters, options) { }

    /// <summary>This step's learning rate η_t of the group being updated (after warmup).</summary>
    protected double ScheduledLr { get; private set; }

    /// <summary>This step's averaging weight c = w/W of the group being updated.</summary>
    protected double AverageWeight { get; private set; }

    /// <summary>The group's step count k before this step (0 on the first).</summary>
    protected long GroupStep { get; private set; }

    /// <inheritdoc/>
    public bool IsTraining => ParamGroups[0].Scalar("train_mode", 1) != 0;

    /// <inheritdoc/>
    protected override string? StepWithoutClosureRefusal =>
        IsTraining ? null : $"{GetType().Name} is in evaluation mode (Eval() was called): call Train() before Step(), as the reference requires";

    /// <inheritdoc/>
    public void Eval() => Switch(toTraining: false, "x");

    /// <inheritdoc/>
    public void Train() => Switch(toTraining: true, "y");

    /// <summary>Copies state <paramref name="point"/> into every parameter that has it, in every group not yet in that mode.</summary>
    private void Switch(bool toTraining, string point)
    {
        foreach (var group in ParamGroups)
        {
            if ((group.Scalar("train_mode", 1) != 0) == toTraining) continue;
            foreach (var p in group.Parameters)
                if (StateOf(p.Name).Buffers.TryGetValue(point, out var value)) value.Span.CopyTo(p.Value.Span);
            group.SetScalar("train_mode", toTraining ? 1 : 0);
        }
    }

    /// <inheritdoc/>
    protected sealed override void BeginGroupStep(ParamGroup group)
    {
        var o = (TOptions)group.Options;
        double k = group.Scalar("k", 0);
        double sched = k < o.WarmupSteps ? (k + 1) / o.WarmupSteps : 1.0;
        double lr = o.Lr * sched;
        double lrMax = Math.Max(lr, group.Scalar("lr_max", -1));
        double weight = Math.Pow(k + 1, o.R) * Math.Pow(lrMax, o.WeightLrPower);
        double weightSum = group.Scalar("weight_sum", 0) + weight;
        group.SetScalar("scheduled_lr", lr);
        group.SetScalar("lr_max", lrMax);
        group.SetScalar("weight_sum", weightSum);
        group.SetScalar("k", k + 1);
        group.Scalar("train_mode", 1);
        (ScheduledLr, AverageWeight, GroupStep) = (lr, weightSum == 0 ? 0 : weight / weightSum, (long)k);
    }

    /// <summary>The buffers z, x and y of a parameter, created as copies of <paramref name="param"/> at its first update.</summary>
    protected static (Tensor Z, Tensor X, Tensor Y) Iterates(ReadOnlySpan<float> param, ParameterState state)
    {
        bool first = !state.Has("z");
        var z = state.Buffer("z");
        var x = state.Buffer("x");
        var y = state.Buffer("y");
        if (first)
        {
            param.CopyTo(z.Span);
            param.CopyTo(x.Span);
            param.CopyTo(y.Span);
        }
        return (z, x, y);
    }

    /// <summary>
    /// The averaging and interpolation after z moved, then θ ← y, in the reference's float32 operations:
    /// <c>x.mul_(1−c).add_(z, alpha=c)</c>, <c>y.copy_(x.mul(β).add_(z, alpha=1−β))</c>, <c>p.copy_(y)</c>
    /// (<see cref="ScheduleFreeAverageRule"/>).
    /// </summary>
    protected void Interpolate(Span<float> param, ReadOnlySpan<float> z, Span<float> x, Span<float> y, double beta) =>
        ElementwiseUpdate.Run(new ScheduleFreeAverageRule((float)(1 - AverageWeight), (float)AverageWeight, (float)beta, (float)(1 - beta)),
            param, z, x, y);
}
