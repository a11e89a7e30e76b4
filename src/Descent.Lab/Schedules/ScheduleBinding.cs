using Descent.Schedules;

namespace Descent.Lab.Schedules;

/// <summary>
/// A scheduler built from a <see cref="ScheduleSpec"/>, with when to step it. A training loop calls
/// <see cref="AfterOptimizerStep"/> after every <c>optimizer.Step()</c> and <see cref="AfterEpoch"/> at the end of
/// every epoch (with the epoch's validation metric, which ReduceLROnPlateau needs).
/// </summary>
public sealed class ScheduleBinding
{
    internal ScheduleBinding(ScheduleSpec spec, Scheduler scheduler, ScheduleUnit unit)
    {
        Spec = spec;
        Scheduler = scheduler;
        Unit = unit;
    }

    /// <summary>The spec it was built from.</summary>
    public ScheduleSpec Spec { get; }

    /// <summary>The scheduler.</summary>
    public Scheduler Scheduler { get; }

    /// <summary>When the scheduler is stepped.</summary>
    public ScheduleUnit Unit { get; }

    /// <summary>Whether <see cref="AfterEpoch"/> needs a metric.</summary>
    public bool NeedsMetric => Scheduler is ReduceLROnPlateau;

    /// <summary>Steps the scheduler if it is stepped per optimizer step.</summary>
    public void AfterOptimizerStep()
    {
        if (Unit == ScheduleUnit.Step && Scheduler is LRScheduler s) s.Step();
    }

    /// <summary>Steps the scheduler if it is stepped per epoch; ReduceLROnPlateau with <paramref name="metric"/>.</summary>
    public void AfterEpoch(double? metric = null)
    {
        if (Scheduler is ReduceLROnPlateau plateau)
            plateau.Step(metric ?? throw new InvalidOperationException("ReduceLROnPlateau needs the epoch's metric (e.g. the validation loss)"));
        else if (Unit == ScheduleUnit.Epoch) ((LRScheduler)Scheduler).Step();
    }

    /// <summary>The spec and unit, e.g. "OneCycleLR:max_lr=0.1,total_steps=4690 per step".</summary>
    public override string ToString() => $"{Spec.Body} per {(Unit == ScheduleUnit.Step ? "step" : "epoch")}";
}
