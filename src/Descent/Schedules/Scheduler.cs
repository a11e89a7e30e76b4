using System.Globalization;
using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// A stateful scheduler, as torch.optim.lr_scheduler: it drives the hyper-parameters of an optimizer's parameter
/// groups (<see cref="OptimizerOptions.Lr"/>, and for some schedulers <see cref="IMomentumOptions.Momentum"/> or
/// <see cref="IBetaOptions.Beta1"/>) as it is stepped. <see cref="LRScheduler"/>s are stepped with
/// <see cref="LRScheduler.Step()"/>, <see cref="ReduceLROnPlateau"/> with a metric. Like PyTorch, a scheduler sets
/// the values of step 0 when it is built; call <c>Step</c> after each <see cref="Optimizer.Step()"/> (or epoch).
/// </summary>
/// <remarks>
/// The pure <c>step → value</c> functions are <see cref="ISchedule"/>s; <see cref="HyperParameterScheduler"/> drives
/// any hyper-parameter from one.
/// </remarks>
public abstract class Scheduler
{
    private double[] _lastLr;

    /// <summary>Attaches to <paramref name="optimizer"/>; nothing is changed until the derived class starts.</summary>
    protected Scheduler(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        _lastLr = CurrentLrs();
    }

    /// <summary>The optimizer whose parameter groups this scheduler drives.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>PyTorch's <c>last_epoch</c>: the number of <c>Step</c> calls since the scheduler was built (0 after building).</summary>
    public long LastEpoch { get; protected set; }

    /// <summary>
    /// How many <c>Step</c> calls this scheduler allows after it is built, or null for any number. A run longer
    /// than this fails part-way (torch raises there too), so the lab's <c>ScheduleSet.CheckRunLength</c> compares it
    /// with the run's length before training.
    /// </summary>
    public virtual long? MaxSteps => null;

    /// <summary>The learning rate of each group after the last step (PyTorch's <c>get_last_lr()</c>).</summary>
    public IReadOnlyList<double> LastLr => _lastLr;

    /// <summary>The number of parameter groups.</summary>
    protected int GroupCount => Optimizer.ParamGroups.Count;

    /// <summary>The options of group <paramref name="index"/>.</summary>
    protected OptimizerOptions GroupOptions(int index) => Optimizer.ParamGroups[index].Options;

    /// <summary>The current learning rate of every group.</summary>
    protected double[] CurrentLrs()
    {
        var lrs = new double[Optimizer.ParamGroups.Count];
        for (int i = 0; i < lrs.Length; i++) lrs[i] = Optimizer.ParamGroups[i].Options.Lr;
        return lrs;
    }

    /// <summary>Records the groups' current learning rates as <see cref="LastLr"/>.</summary>
    protected void RecordLastLr() => _lastLr = CurrentLrs();

    /// <summary>The entry <paramref name="key"/> a scheduler recorded on group <paramref name="index"/> (see <see cref="ParamGroup.SchedulerEntries"/>).</summary>
    private protected double GroupEntry(int index, string key) =>
        Optimizer.ParamGroups[index].SchedulerEntries.TryGetValue(key, out var value) ? value
            : throw new InvalidOperationException($"the parameter group has no '{key}'; a scheduler must be built on it first");

    /// <summary>Checks that <paramref name="values"/> holds one non-null value per parameter group of <paramref name="optimizer"/>.</summary>
    private protected static IReadOnlyList<T> OnePerGroup<T>(IReadOnlyList<T> values, Optimizer optimizer, string name, string what)
    {
        ArgumentNullException.ThrowIfNull(values, name);
        int groups = optimizer.ParamGroups.Count;
        if (values.Count != groups)
            throw new ArgumentException($"expected {groups} {what} (one per parameter group), got {values.Count}", name);
        for (int i = 0; i < values.Count; i++)
            if (values[i] is null) throw new ArgumentNullException(name, $"{what} [{i}] is null");
        return values;
    }

    /// <summary>
    /// The scheduler's state as plain numbers, by name: the step count, the learning rate (and driven momentum) of
    /// every group, and the scheduler's own counters. Configuration (step sizes, factors) is not included: it comes
    /// from the constructor.
    /// </summary>
    public IReadOnlyDictionary<string, double> StateDict()
    {
        var state = new SortedDictionary<string, double>(StringComparer.Ordinal);
        SaveState(state, "");
        return state;
    }

    /// <summary>
    /// Restores a <see cref="StateDict"/> of a scheduler built the same way, including the optimizer's learning rates
    /// (which Descent's optimizer state dict does not hold). A missing, extra or invalid entry is an
    /// <see cref="ArgumentException"/> naming it, and nothing is changed.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, double> state)
    {
        ArgumentNullException.ThrowIfNull(state);
        var current = StateDict();
        foreach (var key in state.Keys)
            if (!current.ContainsKey(key))
                throw new ArgumentException($"{GetType().Name} has no state entry '{key}'; its entries: {string.Join(", ", current.Keys)}", nameof(state));
        foreach (var key in current.Keys)
            if (!state.ContainsKey(key)) throw new ArgumentException($"the state has no entry '{key}' for {GetType().Name}", nameof(state));
        try { LoadState(new StateReader(state), ""); }
        catch (ArgumentException)
        {
            LoadState(new StateReader(current), "");
            throw;
        }
    }

    /// <summary>Writes this scheduler's entries, each key prefixed by <paramref name="prefix"/>.</summary>
    protected virtual void SaveState(IDictionary<string, double> state, string prefix)
    {
        state[prefix + "last_epoch"] = LastEpoch;
        for (int i = 0; i < GroupCount; i++)
        {
            state[$"{prefix}lr.{i}"] = GroupOptions(i).Lr;
            state[$"{prefix}last_lr.{i}"] = _lastLr[i];
        }
    }

    /// <summary>Reads back what <see cref="SaveState"/> wrote; every key is known to be present.</summary>
    protected virtual void LoadState(StateReader state, string prefix)
    {
        var lrs = new double[GroupCount];
        var last = new double[GroupCount];
        for (int i = 0; i < lrs.Length; i++)
        {
            lrs[i] = state.NonNegative($"{prefix}lr.{i}");
            last[i] = state.NonNegative($"{prefix}last_lr.{i}");
        }
        long epoch = state.Integer(prefix + "last_epoch", -1);
        LastEpoch = epoch;
        for (int i = 0; i < lrs.Length; i++) GroupOptions(i).Lr = lrs[i];
        _lastLr = last;
    }
}

/// <summary>Reads a scheduler state dict, checking each value.</summary>
public sealed class StateReader
{
    private readonly IReadOnlyDictionary<string, double> _state;

    internal StateReader(IReadOnlyDictionary<string, double> state) => _state = state;

    /// <summary>Any number, ±∞ included.</summary>
    public double Number(string key) =>
        _state.TryGetValue(key, out var v) && !double.IsNaN(v) ? v : throw Bad(key, "a number");

    /// <summary>A finite number ≥ 0.</summary>
    public double NonNegative(string key) =>
        _state.TryGetValue(key, out var v) && v >= 0 && double.IsFinite(v) ? v : throw Bad(key, "a finite number >= 0");

    /// <summary>A finite number.</summary>
    public double Finite(string key) =>
        _state.TryGetValue(key, out var v) && double.IsFinite(v) ? v : throw Bad(key, "a finite number");

    /// <summary>An integer ≥ <paramref name="minimum"/>.</summary>
    public long Integer(string key, long minimum = 0) =>
        _state.TryGetValue(key, out var v) && v == Math.Floor(v) && v >= minimum && v <= long.MaxValue / 2 ? (long)v
            : throw Bad(key, $"an integer >= {minimum.ToString(CultureInfo.InvariantCulture)}");

    private ArgumentException Bad(string key, string what) =>
        new($"state entry '{key}' must be {what}, got {(_state.TryGetValue(key, out var v) ? v.ToString("R", CultureInfo.InvariantCulture) : "nothing")}", "state");
}
