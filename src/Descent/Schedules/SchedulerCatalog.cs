using System.Globalization;
using System.Text;
using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// Every torch.optim.lr_scheduler class by name ("StepLR", "OneCycleLR", ...; case-insensitive), built from options
/// given by their torch keyword names (step_size, gamma, milestones, T_max, eta_min, ...). Numbers may be given as
/// double or int, lists (milestones; per-group max_lr, base_momentum, min_lr, ...) as double[], modes as text.
/// Used by the lab's <c>ScheduleSpec</c> (schedules written as text) and by the conformance recordings.
/// </summary>
public static class SchedulerCatalog
{
    private delegate Func<Scheduler> Factory(Optimizer optimizer, SchedulerOptions o, SchedulerFunctions f);

    private static readonly Dictionary<string, Factory> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["LambdaLR"] = (opt, o, f) =>
        {
            var lambdas = Lambdas(opt, f, "LambdaLR");
            return () => new LambdaLR(opt, lambdas);
        },
        ["MultiplicativeLR"] = (opt, o, f) =>
        {
            var lambdas = Lambdas(opt, f, "MultiplicativeLR");
            return () => new MultiplicativeLR(opt, lambdas);
        },
        ["StepLR"] = (opt, o, _) =>
        {
            long stepSize = o.RequiredInteger("step_size");
            double gamma = o.Number("gamma", 0.1);
            return () => new StepLR(opt, stepSize, gamma);
        },
        ["MultiStepLR"] = (opt, o, _) =>
        {
            var milestones = o.RequiredIntegers("milestones");
            double gamma = o.Number("gamma", 0.1);
            return () => new MultiStepLR(opt, milestones, gamma);
        },
        ["ConstantLR"] = (opt, o, _) =>
        {
            double factor = o.Number("factor", 1.0 / 3);
            long totalIters = o.Integer("total_iters", 5);
            return () => new ConstantLR(opt, factor, totalIters);
        },
        ["LinearLR"] = (opt, o, _) =>
        {
            double start = o.Number("start_factor", 1.0 / 3), end = o.Number("end_factor", 1.0);
            long totalIters = o.Integer("total_iters", 5);
            return () => new LinearLR(opt, start, end, totalIters);
        },
        ["ExponentialLR"] = (opt, o, _) =>
        {
            double gamma = o.RequiredNumber("gamma");
            return () => new ExponentialLR(opt, gamma);
        },
        ["PolynomialLR"] = (opt, o, _) =>
        {
            long totalIters = o.Integer("total_iters", 5);
            double power = o.Number("power", 1.0);
            return () => new PolynomialLR(opt, totalIters, power);
        },
        ["CosineAnnealingLR"] = (opt, o, _) =>
        {
            long tMax = o.RequiredInteger("T_max");
            double etaMin = o.Number("eta_min", 0);
            return () => new CosineAnnealingLR(opt, tMax, etaMin);
        },
        ["CosineAnnealingWarmRestarts"] = (opt, o, _) =>
        {
            long t0 = o.RequiredInteger("T_0"), tMult = o.Integer("T_mult", 1);
            double etaMin = o.Number("eta_min", 0);
            return () => new CosineAnnealingWarmRestarts(opt, t0, tMult, etaMin);
        },
        ["CyclicLR"] = (opt, o, f) =>
        {
            var baseLr = o.RequiredPerGroup("base_lr");
            var maxLr = o.RequiredPerGroup("max_lr");
            long up = o.Integer("step_size_up", 2000);
            long? down = o.OptionalInteger("step_size_down");
            var mode = o.Choice("mode", CyclicMode.Triangular,
                ("triangular", CyclicMode.Triangular), ("triangular2", CyclicMode.Triangular2), ("exp_range", CyclicMode.ExpRange));
            double gamma = o.Number("gamma", 1.0);
            ScaleMode? scaleMode = o.Has("scale_mode")
                ? o.Choice("scale_mode", ScaleMode.Cycle, ("cycle", ScaleMode.Cycle), ("iterations", ScaleMode.Iterations))
                : null;
            bool cycle = o.Flag("cycle_momentum", true);
            var baseMomentum = o.PerGroupNumbers("base_momentum", 0.8);
            var maxMomentum = o.PerGroupNumbers("max_momentum", 0.9);
            return () => new CyclicLR(opt, baseLr, maxLr, up, down, mode, gamma, f.ScaleFn, scaleMode, cycle, baseMomentum, maxMomentum);
        },
        ["OneCycleLR"] = (opt, o, _) =>
        {
            var maxLr = o.RequiredPerGroup("max_lr");
            long? total = o.OptionalInteger("total_steps"), epochs = o.OptionalInteger("epochs"), perEpoch = o.OptionalInteger("steps_per_epoch");
            double pct = o.Number("pct_start", 0.3);
            var anneal = o.Choice("anneal_strategy", AnnealStrategy.Cos, ("cos", AnnealStrategy.Cos), ("linear", AnnealStrategy.Linear));
            bool cycle = o.Flag("cycle_momentum", true);
            var baseMomentum = o.PerGroupNumbers("base_momentum", 0.85);
            var maxMomentum = o.PerGroupNumbers("max_momentum", 0.95);
            double div = o.Number("div_factor", 25.0), finalDiv = o.Number("final_div_factor", 1e4);
            bool three = o.Flag("three_phase", false);
            return () => new OneCycleLR(opt, maxLr, total, epochs, perEpoch, pct, anneal, cycle, baseMomentum, maxMomentum, div, finalDiv, three);
        },
        ["SequentialLR"] = (opt, o, f) =>
        {
            var milestones = o.RequiredIntegers("milestones");
            var children = f.Schedulers ?? throw new ArgumentException("SequentialLR needs its child schedulers", "schedulers");
            return () => new SequentialLR(opt, children, milestones);
        },
        ["ChainedScheduler"] = (opt, o, f) =>
        {
            var children = f.Schedulers ?? throw new ArgumentException("ChainedScheduler needs its child schedulers", "schedulers");
            return () => new ChainedScheduler(children);
        },
        ["ReduceLROnPlateau"] = (opt, o, _) =>
        {
            var mode = o.Choice("mode", PlateauMode.Min, ("min", PlateauMode.Min), ("max", PlateauMode.Max));
            double factor = o.Number("factor", 0.1);
            long patience = o.Integer("patience", 10);
            double threshold = o.Number("threshold", 1e-4);
            var thresholdMode = o.Choice("threshold_mode", ThresholdMode.Rel, ("rel", ThresholdMode.Rel), ("abs", ThresholdMode.Abs));
            long cooldown = o.Integer("cooldown", 0);
            var minLr = o.PerGroupNumbers("min_lr", 0);
            double eps = o.Number("eps", 1e-8);
            return () => new ReduceLROnPlateau(opt, mode, factor, patience, threshold, thresholdMode, cooldown, minLr, eps);
        },
    };

    private static readonly Dictionary<string, string> TorchNames = new()
    {
        ["tMax"] = "T_max", ["t0"] = "T_0", ["tMult"] = "T_mult", ["lrLambdas"] = "lr_lambda",
    };

    /// <summary>The torch class names, as torch spells them.</summary>
    public static IReadOnlyList<string> Names => Factories.Keys.ToList();

    /// <summary>The names that can be built from options alone (not LambdaLR, MultiplicativeLR, SequentialLR, ChainedScheduler).</summary>
    public static IReadOnlyList<string> OptionOnlyNames { get; } =
        ["StepLR", "MultiStepLR", "ConstantLR", "LinearLR", "ExponentialLR", "PolynomialLR", "CosineAnnealingLR",
         "CosineAnnealingWarmRestarts", "CyclicLR", "OneCycleLR", "ReduceLROnPlateau"];

    /// <summary>Whether <paramref name="name"/> is a known torch scheduler (case-insensitive).</summary>
    public static bool Contains(string name) => name is not null && Factories.ContainsKey(name);

    /// <summary>The torch spelling of <paramref name="name"/>.</summary>
    public static string Canonical(string name) =>
        Factories.Keys.FirstOrDefault(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase))
        ?? throw new ArgumentException($"unknown scheduler '{name}'; known schedulers: {string.Join(", ", Names)}", nameof(name));

    /// <summary>
    /// Builds scheduler <paramref name="name"/> on <paramref name="optimizer"/> (which it changes, as torch's
    /// constructors do). Every option is read and checked before anything changes: an unknown name, an unknown
    /// option or an invalid value is an <see cref="ArgumentException"/> naming it by its torch name.
    /// </summary>
    public static Scheduler Create(string name, Optimizer optimizer, IReadOnlyDictionary<string, object> options, SchedulerFunctions? functions = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        string canonical = Canonical(name);
        var reader = new SchedulerOptions(options);
        var build = Factories[canonical](optimizer, reader, functions ?? new SchedulerFunctions());
        reader.EnsureAllUsed(canonical);
        try { return build(); }
        catch (ArgumentException e) when (e.ParamName is { } p && TorchName(p) != p)
        {
            string key = TorchName(p);
            throw new ArgumentException($"{canonical} option '{key}': {CoreMessage(e)}", key, e);
        }
    }

    private static IReadOnlyList<Func<long, double>> Lambdas(Optimizer optimizer, SchedulerFunctions f, string scheduler)
    {
        var lambdas = f.LrLambdas ?? throw new ArgumentException($"{scheduler} needs lr_lambda functions (from C#, not options)", "lr_lambda");
        return lambdas.Count == 1 ? Enumerable.Repeat(lambdas[0], optimizer.ParamGroups.Count).ToArray() : lambdas;
    }

    /// <summary>The torch keyword for a C# parameter name: stepSize → step_size, tMax → T_max.</summary>
    internal static string TorchName(string parameter)
    {
        if (TorchNames.TryGetValue(parameter, out var special)) return special;
        var sb = new StringBuilder();
        foreach (char c in parameter)
        {
            if (char.IsUpper(c)) sb.Append('_').Append(char.ToLowerInvariant(c));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <summary>An exception's message without the " (Parameter 'x')" and "Actual value was" suffixes, with the value.</summary>
    public static string CoreMessage(ArgumentException e)
    {
        string m = e.Message;
        int cut = m.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) m = m[..cut];
        if (e is ArgumentOutOfRangeException { ActualValue: { } v })
            m += " (got " + (v is IFormattable f ? f.ToString(null, CultureInfo.InvariantCulture) : v.ToString()) + ")";
        return m;
    }
}
