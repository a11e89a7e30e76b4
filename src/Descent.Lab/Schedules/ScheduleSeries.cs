using Descent.Nn;
using Descent.Optim;
using Descent.Schedules;
using Descent.Tensors;

namespace Descent.Lab.Schedules;

/// <summary>One row of a <see cref="ScheduleSeries"/>: the values in effect for optimizer step <see cref="Step"/>.</summary>
/// <param name="Step">The 0-based optimizer step.</param>
/// <param name="Epoch">The 0-based epoch the step belongs to.</param>
/// <param name="Values">One value per <see cref="ScheduleSeries.Columns"/> entry.</param>
public sealed record ScheduleRow(long Step, long Epoch, IReadOnlyList<double> Values);

/// <summary>
/// Schedules evaluated over N optimizer steps into rows of (step, epoch, lr, momentum, ...): what
/// <c>descent schedule</c> prints or plots. The values of a row are those
/// the optimizer uses for that step (read before it); the schedules are stepped as in training, per step or per epoch.
/// </summary>
public sealed class ScheduleSeries
{
    private ScheduleSeries(IReadOnlyList<string> columns, IReadOnlyList<ScheduleRow> rows, string description)
    {
        Columns = columns;
        Rows = rows;
        Description = description;
    }

    /// <summary>The value columns: "lr", then "momentum" or "beta1" when the optimizer has one, then other scheduled hyper-parameters.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>One row per optimizer step.</summary>
    public IReadOnlyList<ScheduleRow> Rows { get; }

    /// <summary>The schedules, as <see cref="ScheduleSet.ToString"/>.</summary>
    public string Description { get; }

    /// <summary>The column <paramref name="name"/> as an array.</summary>
    public double[] Column(string name)
    {
        int i = Columns.ToList().IndexOf(name);
        if (i < 0) throw new ArgumentException($"no column '{name}'; columns: {string.Join(", ", Columns)}", nameof(name));
        return Rows.Select(r => r.Values[i]).ToArray();
    }

    /// <summary>
    /// Evaluates <paramref name="specs"/> on SGD (one parameter) with learning rate <paramref name="lr"/> and
    /// <paramref name="momentum"/>; see <see cref="Record"/>.
    /// </summary>
    public static ScheduleSeries ForSgd(IReadOnlyList<ScheduleSpec> specs, int steps, double lr, double momentum = 0,
        int stepsPerEpoch = 1, int? epochs = null, IReadOnlyList<double>? metrics = null) =>
        Record(new Sgd([Probe()], new SgdOptions { Lr = lr, Momentum = momentum }), specs, steps, stepsPerEpoch, epochs, metrics);

    private static NamedParameter Probe()
    {
        var t = Tensor.Zeros(1);
        t.RequiresGrad = true;
        return new NamedParameter("probe", t);
    }

    /// <summary>The most steps a series records: every value is kept in memory, so the count is bounded.</summary>
    public const int MaxSteps = 1_000_000;

    /// <summary>
    /// Builds <paramref name="specs"/> on <paramref name="optimizer"/> (changing it) and records group 0's values
    /// for <paramref name="steps"/> optimizer steps of <paramref name="stepsPerEpoch"/> per epoch. The run length for
    /// the specs' defaults is <paramref name="epochs"/>, or the epochs the steps span. ReduceLROnPlateau needs one
    /// metric per completed epoch in <paramref name="metrics"/>. At most <see cref="MaxSteps"/> steps.
    /// </summary>
    public static ScheduleSeries Record(Optimizer optimizer, IReadOnlyList<ScheduleSpec> specs, int steps,
        int stepsPerEpoch = 1, int? epochs = null, IReadOnlyList<double>? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(steps, MaxSteps);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        int runEpochs = epochs ?? Math.Max(1, (steps + stepsPerEpoch - 1) / stepsPerEpoch);
        var set = ScheduleSet.Build(specs, optimizer, stepsPerEpoch, runEpochs);
        int completedEpochs = steps / stepsPerEpoch;
        if (set.NeedsMetric && (metrics?.Count ?? 0) < completedEpochs)
            throw new ArgumentException(
                $"ReduceLROnPlateau needs a metric for each of the {completedEpochs} epochs, got {metrics?.Count ?? 0}", nameof(metrics));

        var options = optimizer.ParamGroups[0].Options;
        var columns = new List<HyperParameter> { HyperParameter.Lr };
        if (HyperParameter.Momentum.AppliesTo(options)) columns.Add(HyperParameter.Momentum);
        if (HyperParameter.Beta1.AppliesTo(options)) columns.Add(HyperParameter.Beta1);
        foreach (var spec in specs)
            if (!columns.Any(c => c.Name == spec.Target)) columns.Add(HyperParameter.Parse(spec.Target));

        var rows = new List<ScheduleRow>(steps);
        for (int s = 0; s < steps; s++)
        {
            rows.Add(new ScheduleRow(s, s / stepsPerEpoch, columns.Select(c => c.Get(options)).ToArray()));
            set.AfterOptimizerStep();
            if ((s + 1) % stepsPerEpoch == 0)
            {
                int epoch = (s + 1) / stepsPerEpoch - 1;
                set.AfterEpoch(set.NeedsMetric ? metrics![epoch] : null);
            }
        }
        return new ScheduleSeries(columns.Select(c => c.Name).ToArray(), rows, set.ToString());
    }
}
