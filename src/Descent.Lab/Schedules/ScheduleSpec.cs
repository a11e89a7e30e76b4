using System.Globalization;
using System.Text;
using Descent.Optim;
using Descent.Schedules;

namespace Descent.Lab.Schedules;

/// <summary>When a scheduler built from a <see cref="ScheduleSpec"/> is stepped.</summary>
public enum ScheduleUnit
{
    /// <summary>After every optimizer step (batch).</summary>
    Step,

    /// <summary>After every epoch.</summary>
    Epoch,
}

/// <summary>
/// A schedule written as text, for the command line:
/// <c>[TARGET=]NAME[:KEY=VALUE,KEY=VALUE,...][@step|@epoch]</c>, for example
/// <c>onecycle:max_lr=0.1</c>, <c>cosine:T_max=10,eta_min=0.001@epoch</c>, <c>multistep:milestones=[30,60],gamma=0.1</c>,
/// <c>plateau:factor=0.5,patience=2</c>, <c>warmup_cosine:warmup=2</c> or <c>momentum=ramp:start=0.5,end=0.9,steps=10</c>.
/// </summary>
/// <remarks>
/// <para>NAME is a torch scheduler (its class name or a short alias, case-insensitive) with options by their torch
/// keyword names, or one of the pure schedules <c>ramp</c>, <c>warmup_cosine</c>, <c>wsd</c>. Values are numbers,
/// true/false, words (mode=triangular2) or lists in brackets ([30,60]; also per-group values such as max_lr=[0.1,0.01]).</para>
/// <para>TARGET (default lr) is the hyper-parameter driven: lr, momentum, beta1, beta2 or weight_decay; the torch
/// schedulers drive lr only. The unit defaults to step for OneCycleLR and CyclicLR (which torch steps per batch)
/// and to epoch for everything else; ReduceLROnPlateau is stepped per epoch with the epoch's metric.</para>
/// <para>When the run length is known (<see cref="Build"/> with epochs), options that torch requires may be left
/// out: CosineAnnealingLR's T_max and OneCycleLR's total_steps default to the run (in the unit), OneCycleLR's
/// steps_per_epoch to the run's when only epochs is given, and the pure schedules' lengths to the run.</para>
/// <para>Pure schedules, with values in the target's units (peak defaults to each group's current value):
/// <c>ramp:start=,end=[,steps=]</c> (linear; without steps it reaches end in the run's last step or epoch; the
/// lectures' momentum ramp is momentum=ramp:start=0.5,end=0.9@epoch);
/// <c>warmup_cosine:[peak=,warmup=0,total=,start=0,end=0]</c> (linear warmup to peak, cosine to end at total);
/// <c>wsd:decay=[,peak=,warmup=0,stable=,start=0,end=0,shape=linear|cosine|sqrt]</c> (warmup, stable, decay;
/// stable defaults to the rest of the run).</para>
/// </remarks>
public sealed class ScheduleSpec
{
    private const string Syntax = "[TARGET=]NAME[:KEY=VALUE,...][@step|@epoch], e.g. onecycle:max_lr=0.1 or cosine:T_max=10@epoch";

    private static readonly (string Alias, string Name)[] AliasList =
    [
        ("step", "StepLR"), ("multistep", "MultiStepLR"), ("constant", "ConstantLR"), ("linear", "LinearLR"),
        ("exponential", "ExponentialLR"), ("polynomial", "PolynomialLR"), ("cosine", "CosineAnnealingLR"),
        ("restarts", "CosineAnnealingWarmRestarts"), ("cyclic", "CyclicLR"), ("onecycle", "OneCycleLR"),
        ("plateau", "ReduceLROnPlateau"),
    ];

    private static readonly string[] PureNames = ["ramp", "warmup_cosine", "wsd"];

    private ScheduleSpec(string target, string name, IReadOnlyDictionary<string, object> options, ScheduleUnit? unit)
    {
        Target = target;
        Name = name;
        Options = options;
        Unit = unit;
    }

    /// <summary>The hyper-parameter driven ("lr", "momentum", "beta1", "beta2", "weight_decay").</summary>
    public string Target { get; }

    /// <summary>The schedule: a torch class name as torch spells it, or ramp, warmup_cosine, wsd.</summary>
    public string Name { get; }

    /// <summary>The options by torch keyword: double, bool, string or double[] values.</summary>
    public IReadOnlyDictionary<string, object> Options { get; }

    /// <summary>The unit given with @step or @epoch, or null for the schedule's default.</summary>
    public ScheduleUnit? Unit { get; }

    /// <summary>The unit used: <see cref="Unit"/>, or step for OneCycleLR and CyclicLR and epoch otherwise.</summary>
    public ScheduleUnit EffectiveUnit => Unit ?? (Name is "OneCycleLR" or "CyclicLR" ? ScheduleUnit.Step : ScheduleUnit.Epoch);

    /// <summary>Whether <see cref="Name"/> is a torch scheduler (rather than a pure schedule).</summary>
    public bool IsTorchScheduler => !PureNames.Contains(Name);

    /// <summary>The names accepted: the torch schedulers that need no code, then the pure schedules.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. SchedulerCatalog.OptionOnlyNames, .. PureNames];

    /// <summary>The short aliases of the torch schedulers ("onecycle" → "OneCycleLR").</summary>
    public static IReadOnlyDictionary<string, string> Aliases { get; } =
        AliasList.ToDictionary(a => a.Alias, a => a.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>The known names with their aliases, for messages and help: "StepLR (step), ..., ramp, warmup_cosine, wsd".</summary>
    public static string KnownNames => string.Join(", ", Names.Select(n =>
        AliasList.FirstOrDefault(a => a.Name == n).Alias is { } alias ? $"{n} ({alias})" : n));

    /// <summary>
    /// Parses <paramref name="text"/>. Bad syntax, an unknown name (the message lists the valid ones), an unknown
    /// target or a torch scheduler for a target other than lr is an <see cref="ArgumentException"/>. Option names
    /// and values are checked by <see cref="Build"/>.
    /// </summary>
    public static ScheduleSpec Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        string body = text.Trim();
        if (body.Length == 0) throw Invalid(text, "it is empty");

        ScheduleUnit? unit = null;
        int at = body.LastIndexOf('@');
        if (at >= 0)
        {
            string u = body[(at + 1)..].Trim().ToLowerInvariant();
            unit = u switch
            {
                "step" or "steps" or "batch" => ScheduleUnit.Step,
                "epoch" or "epochs" => ScheduleUnit.Epoch,
                _ => throw Invalid(text, $"unknown unit '@{body[(at + 1)..].Trim()}' (use @step or @epoch)"),
            };
            body = body[..at].TrimEnd();
        }

        int colon = body.IndexOf(':');
        string head = (colon >= 0 ? body[..colon] : body).Trim();
        string optionText = colon >= 0 ? body[(colon + 1)..].Trim() : "";
        if (colon >= 0 && optionText.Length == 0) throw Invalid(text, "no options after ':'");

        string target = "lr";
        int eq = head.IndexOf('=');
        if (eq >= 0)
        {
            target = head[..eq].Trim();
            head = head[(eq + 1)..].Trim();
            if (!IsIdentifier(target)) throw Invalid(text, $"'{target}' is not a hyper-parameter name");
            target = HyperParameter.Known.FirstOrDefault(h => string.Equals(h.Name, target, StringComparison.OrdinalIgnoreCase))?.Name
                ?? throw new ArgumentException(
                    $"invalid schedule '{text}': unknown hyper-parameter '{target}'; known: {string.Join(", ", HyperParameter.Known.Select(h => h.Name))}", nameof(text));
        }
        if (!IsIdentifier(head)) throw Invalid(text, head.Length == 0 ? "the schedule name is missing" : $"'{head}' is not a schedule name");
        string name = Resolve(head)
            ?? throw new ArgumentException($"unknown schedule '{head}'; known schedules: {KnownNames}", nameof(text));
        if (target != "lr" && !PureNames.Contains(name))
            throw new ArgumentException(
                $"invalid schedule '{text}': {name} schedules the learning rate only; for {target} use {string.Join(", ", PureNames)}", nameof(text));
        if (name == "ReduceLROnPlateau" && unit == ScheduleUnit.Step)
            throw new ArgumentException($"invalid schedule '{text}': ReduceLROnPlateau is stepped once per epoch with the epoch's metric", nameof(text));

        return new ScheduleSpec(target, name, ParseOptions(text, optionText), unit);
    }

    private static string? Resolve(string head)
    {
        if (Aliases.TryGetValue(head, out var aliased)) return aliased;
        var torch = SchedulerCatalog.OptionOnlyNames.FirstOrDefault(n => string.Equals(n, head, StringComparison.OrdinalIgnoreCase));
        if (torch is not null) return torch;
        return PureNames.FirstOrDefault(n => string.Equals(n, head, StringComparison.OrdinalIgnoreCase));
    }

    private static Dictionary<string, object> ParseOptions(string text, string optionText)
    {
        var options = new Dictionary<string, object>(StringComparer.Ordinal);
        if (optionText.Length == 0) return options;
        foreach (string part in SplitTopLevel(text, optionText))
        {
            int eq = part.IndexOf('=');
            if (eq < 0) throw Invalid(text, $"option '{part.Trim()}' has no value (expected KEY=VALUE)");
            string key = part[..eq].Trim(), value = part[(eq + 1)..].Trim();
            if (!IsIdentifier(key)) throw Invalid(text, $"'{key}' is not an option name");
            if (value.Length == 0) throw Invalid(text, $"option '{key}' has no value");
            if (options.ContainsKey(key)) throw Invalid(text, $"option '{key}' is given twice");
            options[key] = ParseValue(text, key, value);
        }
        return options;
    }

    private static List<string> SplitTopLevel(string text, string s)
    {
        var parts = new List<string>();
        int depth = 0, start = 0;
        for (int i = 0; i < s.Length; i++)
        {
            switch (s[i])
            {
                case '[': if (++depth > 1) throw Invalid(text, "lists cannot be nested"); break;
                case ']': if (--depth < 0) throw Invalid(text, "']' without '['"); break;
                case ',' when depth == 0:
                    parts.Add(s[start..i]);
                    start = i + 1;
                    break;
            }
        }
        if (depth != 0) throw Invalid(text, "'[' without ']'");
        parts.Add(s[start..]);
        foreach (var p in parts)
            if (p.Trim().Length == 0) throw Invalid(text, "an empty option (two commas, or a trailing comma)");
        return parts;
    }

    private static object ParseValue(string text, string key, string value)
    {
        if (value.StartsWith('['))
        {
            if (!value.EndsWith(']')) throw Invalid(text, $"option '{key}': a list must end with ']'");
            string inner = value[1..^1].Trim();
            if (inner.Length == 0) return Array.Empty<double>();
            var items = inner.Split(',');
            var numbers = new double[items.Length];
            for (int i = 0; i < items.Length; i++)
                if (!TryNumber(items[i], out numbers[i]))
                    throw Invalid(text, $"option '{key}': '{items[i].Trim()}' is not a number");
            return numbers;
        }
        if (value.Equals("true", StringComparison.OrdinalIgnoreCase)) return true;
        if (value.Equals("false", StringComparison.OrdinalIgnoreCase)) return false;
        if (TryNumber(value, out var number)) return number;
        if (InvariantNumber.TryParse(value, out double _))
            throw Invalid(text, $"option '{key}': '{value}' is not a finite number");
        if (IsIdentifier(value)) return value;
        throw Invalid(text, $"option '{key}': '{value}' is not a number, a [list], true/false or a word");
    }

    private static bool TryNumber(string s, out double value) =>
        InvariantNumber.TryParse(s, out value) && double.IsFinite(value);

    private static bool IsIdentifier(string s) =>
        s.Length > 0 && (char.IsAsciiLetter(s[0]) || s[0] == '_') && s.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static ArgumentException Invalid(string text, string reason) =>
        new($"invalid schedule '{text}': {reason}; expected {Syntax}", nameof(text));

    /// <summary>
    /// Builds the scheduler on <paramref name="optimizer"/> (changing its groups, as torch's constructors do).
    /// <paramref name="stepsPerEpoch"/> and <paramref name="epochs"/> give the run's length for the defaults above
    /// (null epochs: no run-length defaults). An unknown option or invalid value is an <see cref="ArgumentException"/>
    /// naming it.
    /// </summary>
    public ScheduleBinding Build(Optimizer optimizer, int stepsPerEpoch = 1, int? epochs = null)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentOutOfRangeException.ThrowIfLessThan(stepsPerEpoch, 1);
        if (epochs is { } e) ArgumentOutOfRangeException.ThrowIfLessThan(e, 1, nameof(epochs));
        var unit = EffectiveUnit;
        long? run = epochs is { } n ? (unit == ScheduleUnit.Step ? (long)stepsPerEpoch * n : n) : null;
        var options = new Dictionary<string, object>(Options, StringComparer.Ordinal);
        Scheduler scheduler;
        if (IsTorchScheduler)
        {
            if (Name == "CosineAnnealingLR" && run is { } r1 && !options.ContainsKey("T_max")) options["T_max"] = (double)r1;
            if (Name == "OneCycleLR")
            {
                bool hasTotal = options.ContainsKey("total_steps"), hasEpochs = options.ContainsKey("epochs"), hasPer = options.ContainsKey("steps_per_epoch");
                if (!hasTotal && !hasEpochs && !hasPer && run is { } r2) options["total_steps"] = (double)r2;
                else if (hasEpochs && !hasPer && !hasTotal) options["steps_per_epoch"] = unit == ScheduleUnit.Step ? (double)stepsPerEpoch : 1.0;
            }
            scheduler = SchedulerCatalog.Create(Name, optimizer, options);
        }
        else scheduler = BuildPure(optimizer, new SchedulerOptions(options), run);
        return new ScheduleBinding(this, scheduler, unit);
    }

    private HyperParameterScheduler BuildPure(Optimizer optimizer, SchedulerOptions o, long? run)
    {
        var target = HyperParameter.Parse(Target);
        if (!target.AppliesTo(optimizer.DefaultOptions))
            throw new ArgumentException($"{optimizer.DefaultOptions.GetType().Name} has no {target.Name} to schedule", nameof(optimizer));
        long RunOr(string key) => run ?? throw new ArgumentException($"option '{key}' is required (the run length is not known)", key);
        Func<double, ISchedule> make;
        switch (Name)
        {
            case "ramp":
            {
                double start = o.RequiredNumber("start"), end = o.RequiredNumber("end");
                // Without steps, the ramp reaches its end in the run's last step (or epoch): the value used there.
                long steps = o.Has("steps") ? o.RequiredInteger("steps") : Math.Max(1, RunOr("steps") - 1);
                o.EnsureAllUsed(Name);
                make = _ => Schedule.Linear(start, end, steps);
                break;
            }
            case "warmup_cosine":
            {
                double? peak = o.Has("peak") ? o.RequiredNumber("peak") : null;
                long warmup = o.Integer("warmup", 0);
                long total = o.Has("total") ? o.RequiredInteger("total") : RunOr("total");
                double start = o.Number("start", 0), end = o.Number("end", 0);
                o.EnsureAllUsed(Name);
                make = current => Schedule.WarmupCosine(peak ?? current, warmup, total, start, end);
                break;
            }
            default:
            {
                double? peak = o.Has("peak") ? o.RequiredNumber("peak") : null;
                long warmup = o.Integer("warmup", 0);
                long decay = o.RequiredInteger("decay");
                long stable = o.Has("stable") ? o.RequiredInteger("stable") : RunOr("stable") - warmup - decay;
                if (stable < 0)
                    throw new ArgumentException($"wsd: warmup {warmup} + decay {decay} is longer than the run ({run})", "stable");
                double start = o.Number("start", 0), end = o.Number("end", 0);
                var shape = o.Choice("shape", DecayShape.Linear, ("linear", DecayShape.Linear), ("cosine", DecayShape.Cosine), ("sqrt", DecayShape.Sqrt));
                o.EnsureAllUsed(Name);
                make = current => Schedule.WarmupStableDecay(peak ?? current, warmup, stable, decay, start, end, shape);
                break;
            }
        }
        ISchedule[] perGroup;
        try
        {
            perGroup = optimizer.ParamGroups.Select(g => make(target.Get(g.Options))).ToArray();
        }
        catch (ArgumentException e) when (e.ParamName is { } p && PureOptionName(p) != p)
        {
            throw new ArgumentException($"{Name} option '{PureOptionName(p)}': {SchedulerCatalog.CoreMessage(e)}", PureOptionName(p), e);
        }
        return new HyperParameterScheduler(optimizer, target, perGroup);
    }

    private static string PureOptionName(string parameter) => parameter switch
    {
        "warmupSteps" => "warmup",
        "totalSteps" => "total",
        "stableSteps" => "stable",
        "decaySteps" => "decay",
        _ => parameter,
    };

    /// <summary>The canonical text of this spec, which <see cref="Parse"/> reads back.</summary>
    public override string ToString()
    {
        var sb = new StringBuilder();
        if (Target != "lr") sb.Append(Target).Append('=');
        sb.Append(Body);
        if (Unit is { } u) sb.Append(u == ScheduleUnit.Step ? "@step" : "@epoch");
        return sb.ToString();
    }

    /// <summary>NAME[:KEY=VALUE,...], without the target and unit.</summary>
    internal string Body => Options.Count == 0 ? Name
        : Name + ":" + string.Join(",", Options.Select(kv => $"{kv.Key}={FormatValue(kv.Value)}"));

    private static string FormatValue(object v) => v switch
    {
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double[] a => "[" + string.Join(",", a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]",
        _ => v.ToString() ?? "",
    };
}
