using System.Runtime.CompilerServices;
using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// The extra entries PyTorch's schedulers keep in a parameter group's dict ("initial_lr", and OneCycleLR's "max_lr",
/// "min_lr", "max_momentum", "base_momentum"). They belong to the group, not to one scheduler: the first scheduler
/// built on an optimizer sets "initial_lr" and later ones (in SequentialLR, ChainedScheduler) read it, exactly as in
/// torch. Kept beside the group so <see cref="OptimizerOptions"/> stay plain hyper-parameters.
/// </summary>
internal static class GroupKeys
{
    private static readonly ConditionalWeakTable<ParamGroup, Dictionary<string, double>> Table = new();

    private static Dictionary<string, double> Of(ParamGroup group) => Table.GetOrCreateValue(group);

    public static double Get(ParamGroup group, string key) =>
        TryGet(group, key, out var v) ? v
            : throw new InvalidOperationException($"the parameter group has no '{key}'; a scheduler must be built on it first");

    public static bool TryGet(ParamGroup group, string key, out double value)
    {
        lock (Table) return Of(group).TryGetValue(key, out value);
    }

    public static void Set(ParamGroup group, string key, double value)
    {
        lock (Table) Of(group)[key] = value;
    }

    /// <summary>Python's <c>group.setdefault(key, value)</c>: returns the value the group now holds.</summary>
    public static double SetDefault(ParamGroup group, string key, double value)
    {
        lock (Table)
        {
            var d = Of(group);
            if (!d.TryGetValue(key, out var existing)) d[key] = existing = value;
            return existing;
        }
    }
}
