using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// The base of the schedulers that are stepped without a metric: PyTorch 1.13's <c>_LRScheduler</c>. A derived
/// class validates its arguments, sets its fields, then calls <see cref="Start"/>, which records each group's
/// "initial_lr" (once per group, as torch's <c>setdefault</c>), takes them as <see cref="BaseLrs"/> and performs the
/// initial step to epoch 0. Each <see cref="Step()"/> then adds one to <see cref="Scheduler.LastEpoch"/> and sets
/// every group's learning rate to <see cref="ComputeLr"/>.
/// </summary>
/// <remarks>
/// Like torch, most schedulers compute the new rate from the group's <em>current</em> rate (the "chainable" form),
/// so changes made by other schedulers or by hand carry through. <c>last_epoch</c> and <c>verbose</c> are not
/// constructor arguments: to resume, build the scheduler as before and call <see cref="Scheduler.LoadStateDict"/>.
/// </remarks>
public abstract class LRScheduler : Scheduler
{
    private double[] _baseLrs = [];

    /// <summary>Attaches to <paramref name="optimizer"/>; <see cref="Start"/> performs the initial step.</summary>
    protected LRScheduler(Optimizer optimizer) : base(optimizer) => LastEpoch = -1;

    /// <summary>Each group's rate when the first scheduler was built on it (PyTorch's <c>base_lrs</c>).</summary>
    public IReadOnlyList<double> BaseLrs => _baseLrs;

    /// <summary>Replaces <see cref="BaseLrs"/> (CyclicLR does after its initial step).</summary>
    protected void SetBaseLrs(IReadOnlyList<double> values) => _baseLrs = values.ToArray();

    /// <summary>Records "initial_lr" on every group that has none, takes them as <see cref="BaseLrs"/>, and steps to epoch 0.</summary>
    protected void Start()
    {
        _baseLrs = new double[GroupCount];
        for (int i = 0; i < _baseLrs.Length; i++)
        {
            var entries = Optimizer.ParamGroups[i].SchedulerEntries;
            entries.TryAdd("initial_lr", GroupOptions(i).Lr);   // Python's group.setdefault("initial_lr", lr)
            _baseLrs[i] = entries["initial_lr"];
        }
        Step();
    }

    /// <summary>Advances one step (or epoch) and sets every group's learning rate.</summary>
    public virtual void Step()
    {
        LastEpoch++;
        Apply(ComputeLr());
    }

    /// <summary>
    /// The learning rate of every group at <see cref="Scheduler.LastEpoch"/>, which has just been advanced; may also
    /// set momentum (as torch's <c>get_lr</c> does for CyclicLR and OneCycleLR).
    /// </summary>
    protected abstract double[] ComputeLr();

    /// <summary>The closed form, where PyTorch has one (<c>_get_closed_form_lr</c>); used when SequentialLR restarts a scheduler.</summary>
    protected virtual double[]? ClosedFormLr() => null;

    /// <summary>Sets the groups' learning rates to <paramref name="lrs"/> and records them.</summary>
    protected void Apply(double[] lrs)
    {
        for (int i = 0; i < lrs.Length; i++) GroupOptions(i).Lr = lrs[i];
        RecordLastLr();
    }

    /// <summary>PyTorch's deprecated <c>step(epoch)</c>, which SequentialLR uses at its milestones with epoch 0.</summary>
    internal virtual void StepToEpoch(long epoch)
    {
        LastEpoch = epoch;
        Apply(ClosedFormLr() ?? ComputeLr());
    }

    /// <summary>SequentialLR's "undo the initial step": <c>last_epoch -= 1</c>.</summary>
    internal virtual void UndoInitialStep() => LastEpoch--;

    /// <summary>SequentialLR's <c>_initial_step()</c> for its first scheduler.</summary>
    internal virtual void RedoInitialStep() => Step();

    internal void SaveChild(IDictionary<string, double> state, string prefix) => SaveState(state, prefix);

    internal void LoadChild(StateReader state, string prefix) => LoadState(state, prefix);

    /// <inheritdoc/>
    protected override void SaveState(IDictionary<string, double> state, string prefix)
    {
        base.SaveState(state, prefix);
        for (int i = 0; i < _baseLrs.Length; i++) state[$"{prefix}base_lrs.{i}"] = _baseLrs[i];
    }

    /// <inheritdoc/>
    protected override void LoadState(StateReader state, string prefix)
    {
        var baseLrs = new double[_baseLrs.Length];
        for (int i = 0; i < baseLrs.Length; i++) baseLrs[i] = state.NonNegative($"{prefix}base_lrs.{i}");
        base.LoadState(state, prefix);
        _baseLrs = baseLrs;
    }
}
