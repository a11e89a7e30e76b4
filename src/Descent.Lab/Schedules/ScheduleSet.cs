using Descent.Optim;
using Descent.Schedules;

namespace Descent.Lab.Schedules;

/// <summary>
/// The schedules of one training run, built from <see cref="ScheduleSpec"/>s on one optimizer: at most one per
/// hyper-parameter, and none for momentum or β₁ when the learning-rate scheduler already cycles it (OneCycleLR,
/// CyclicLR with cycle_momentum). The training loop calls <see cref="AfterOptimizerStep"/> after every optimizer
/// step and <see cref="AfterEpoch"/> after every epoch.
/// </summary>
public sealed class ScheduleSet
{
    private readonly ScheduleBinding[] _bindings;

    private ScheduleSet(ScheduleBinding[] bindings) => _bindings = bindings;

    /// <summary>The schedules, in the order given.</summary>
    public IReadOnlyList<ScheduleBinding> Bindings => _bindings;

    /// <summary>Whether <see cref="AfterEpoch"/> needs a metric (a ReduceLROnPlateau is present).</summary>
    public bool NeedsMetric => _bindings.Any(b => b.NeedsMetric);

    /// <summary>
    /// Builds every spec on <paramref name="optimizer"/>, in order; <paramref name="stepsPerEpoch"/> and
    /// <paramref name="epochs"/> give the run's length (see <see cref="ScheduleSpec.Build"/>). Two specs for one
    /// hyper-parameter, or a momentum spec beside a scheduler that cycles momentum, is an <see cref="ArgumentException"/>;
    /// it is raised before anything is built.
    /// </summary>
    public static ScheduleSet Build(IReadOnlyList<ScheduleSpec> specs, Optimizer optimizer, int stepsPerEpoch = 1, int? epochs = null)
    {
        ArgumentNullException.ThrowIfNull(specs);
        ArgumentNullException.ThrowIfNull(optimizer);
        var targets = new HashSet<string>();
        foreach (var spec in specs)
        {
            ArgumentNullException.ThrowIfNull(spec, nameof(specs));
            if (!targets.Add(spec.Target))
                throw new ArgumentException($"two schedules for {spec.Target}; give one (compose in C# with ChainedScheduler or SequentialLR)", nameof(specs));
        }
        foreach (var spec in specs)
        {
            bool cycles = spec.Name is "OneCycleLR" or "CyclicLR"
                && !(spec.Options.TryGetValue("cycle_momentum", out var flag) && flag is false or 0.0);
            string cycled = spec.Name == "OneCycleLR" && optimizer.DefaultOptions is IBetaOptions ? "beta1" : "momentum";
            if (cycles && targets.Contains(cycled))
                throw new ArgumentException(
                    $"{spec.Name} already cycles {cycled}; drop the {cycled} schedule or pass cycle_momentum=false", nameof(specs));
        }
        var bindings = specs.Select(s => s.Build(optimizer, stepsPerEpoch, epochs)).ToArray();
        return new ScheduleSet(bindings);
    }

    /// <summary>
    /// Checks that every schedule lasts the whole run of <paramref name="epochs"/> epochs of
    /// <paramref name="stepsPerEpoch"/> steps (see <see cref="Scheduler.MaxSteps"/>); a schedule that would run out
    /// part-way is an <see cref="ArgumentException"/> naming it and the run's length.
    /// </summary>
    public void CheckRunLength(int stepsPerEpoch, int epochs)
    {
        foreach (var b in _bindings)
        {
            if (b.Scheduler.MaxSteps is not long max) continue;
            bool perStep = b.Unit == ScheduleUnit.Step;
            long needed = perStep ? (long)stepsPerEpoch * epochs : epochs;
            if (needed <= max) continue;
            string unit = perStep ? "steps" : "epochs";
            string run = perStep ? $"{needed} steps ({epochs} epochs of {stepsPerEpoch} steps)" : $"{epochs} epochs";
            throw new ArgumentException(
                $"the schedule '{b.Spec.Body}' lasts {max} {unit} but the run takes {run}; raise total_steps to at least {needed}, or leave it out to fit the run",
                "schedules");
        }
    }

    /// <summary>Call after every optimizer step.</summary>
    public void AfterOptimizerStep()
    {
        foreach (var b in _bindings) b.AfterOptimizerStep();
    }

    /// <summary>Call after every epoch, with the epoch's metric when <see cref="NeedsMetric"/>.</summary>
    public void AfterEpoch(double? metric = null)
    {
        foreach (var b in _bindings) b.AfterEpoch(metric);
    }

    /// <summary>One line per schedule, e.g. "lr: OneCycleLR:max_lr=0.1 per step".</summary>
    public override string ToString() => string.Join("; ", _bindings.Select(b => $"{b.Spec.Target}: {b}"));
}
