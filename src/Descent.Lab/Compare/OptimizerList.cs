using System.Globalization;
using Descent.Lab.Schedules;
using Descent.Lab.Training;
using Descent.Optim;

namespace Descent.Lab.Compare;

/// <summary>
/// Parses a list of optimizers written as <c>"[LABEL=]NAME[:KEY=VALUE,...][ | SCHEDULE ...]; ..."</c>, for example
/// <c>"sgd:lr=0.05; momentum=sgd:lr=0.05,momentum=0.9; adam:lr=1e-3"</c> or, with scheduled learning,
/// <c>"ramp=sgd:lr=0.05,momentum=0.5 | momentum=ramp:start=0.5,end=0.9@epoch; cosine=sgd:lr=0.05,momentum=0.9 | cosine@step"</c>.
/// </summary>
/// <remarks>
/// <para>NAME is a torch.optim optimizer (any case: sgd, adam, rmsprop, ...), one of the named variants
/// <c>momentum</c> (sgd with momentum 0.9) and <c>nesterov</c> (sgd with Nesterov momentum 0.9), or a preset such
/// as <c>lectures</c> standing alone for several entries. KEY is a torch keyword (lr, momentum, betas,
/// weight_decay, ...); VALUE a number, true/false, a pair written (a,b) or [a,b], or a name such as the inner
/// optimizer of a wrapper ("lookahead:lr=0.001,optimizer=adam"), read as <c>descent train --opt</c> reads it
/// (<see cref="TorchOptions.TryParseValue"/>).</para>
/// <para>Each SCHEDULE after a '|' drives a hyper-parameter of that entry during the run, in the syntax of
/// <c>descent train --schedule</c> (<see cref="ScheduleSpec.Parse"/>): <c>[TARGET=]NAME[:KEY=VALUE,...][@step|@epoch]</c>.</para>
/// <para>LABEL defaults to NAME; when two entries would share a label, each takes its options as well, such as
/// "adam(lr=0.01)". Unknown names and options are errors listing the valid ones.</para>
/// </remarks>
public static class OptimizerList
{
    /// <summary>Named variants of torch optimizers: the lecture notes' names for SGD with momentum.</summary>
    public static IReadOnlyDictionary<string, (string Optimizer, IReadOnlyDictionary<string, object> Defaults)> Variants { get; } =
        new Dictionary<string, (string, IReadOnlyDictionary<string, object>)>(StringComparer.OrdinalIgnoreCase)
        {
            ["momentum"] = ("sgd", new Dictionary<string, object> { ["momentum"] = 0.9 }),
            ["nesterov"] = ("sgd", new Dictionary<string, object> { ["momentum"] = 0.9, ["nesterov"] = true }),
        };

    /// <summary>
    /// Every name an entry may use: the torch optimizers and those registered with
    /// <see cref="OptimizerCatalog.Register"/> (lower case), and the named variants.
    /// </summary>
    public static IReadOnlyList<string> Names =>
        [.. OptimizerCatalog.Names.Select(n => n.ToLowerInvariant()), .. Variants.Keys];

    /// <summary>
    /// Parses and validates <paramref name="text"/>; an error names the entry at fault and the valid choices.
    /// <paramref name="presets"/> resolves preset names (default: <see cref="Presets.TryGet"/>), so a landscape can
    /// give "lectures" rates of its own.
    /// </summary>
    public static IReadOnlyList<OptimizerEntry> Parse(string text, Func<string, IReadOnlyList<OptimizerEntry>?>? presets = null)
    {
        presets ??= name => Presets.TryGet(name, out var found) ? found : null;
        var entries = new List<(string? Label, string Name, OptimizerSpec Spec, IReadOnlyList<ScheduleSpec> Schedules)>();
        var chunks = text.Split(';', StringSplitOptions.TrimEntries);
        if (chunks.Any(c => c.Length > 0) && chunks.Any(c => c.Length == 0))   // all empty: "no optimizers given" below
            throw new ArgumentException(chunks[^1].Length == 0 && chunks.Count(c => c.Length == 0) == 1
                ? $"invalid optimizer list '{text.Trim()}': it ends with ';' (remove the trailing ';')"
                : $"invalid optimizer list '{text.Trim()}': entry {Array.FindIndex(chunks, c => c.Length == 0) + 1} is empty (two ';' in a row?)");
        foreach (string raw in chunks.SelectMany(c => c.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (presets(raw) is { } preset)
            {
                entries.AddRange(preset.Select(e => ((string?)e.Label, e.Label, e.Spec, e.Schedules)));
                continue;
            }
            entries.Add(ParseEntry(raw));
        }
        if (entries.Count == 0) throw new ArgumentException("no optimizers given; write them as \"sgd:lr=0.1; momentum=sgd:lr=0.05,momentum=0.9\" or use a preset: " + string.Join(", ", Presets.Names));
        return Label(entries);
    }

    /// <summary>Builds one entry from a name, options and schedules, applying a named variant's defaults.</summary>
    public static OptimizerEntry Create(string label, string name, IReadOnlyDictionary<string, object> options, IReadOnlyList<ScheduleSpec>? schedules = null)
    {
        OptimizerEntry.CheckLabel(label);
        var spec = Resolve(name, options);
        schedules ??= [];
        Validate(label, spec, schedules);
        return new OptimizerEntry(label, spec, schedules);
    }

    /// <summary>Parses the schedules of an entry; a malformed one is an error naming the entry.</summary>
    public static IReadOnlyList<ScheduleSpec> ParseSchedules(string entry, IEnumerable<string> texts)
    {
        var result = new List<ScheduleSpec>();
        foreach (string text in texts)
        {
            if (text.Trim().Length == 0) throw new ArgumentException($"invalid optimizer entry '{entry}': an empty schedule after '|'");
            try { result.Add(ScheduleSpec.Parse(text)); }
            catch (ArgumentException e) { throw new ArgumentException($"invalid optimizer entry '{entry}': {InvalidOptionException.Describe(e)}"); }
        }
        return result;
    }

    private static (string? Label, string Name, OptimizerSpec Spec, IReadOnlyList<ScheduleSpec> Schedules) ParseEntry(string entry)
    {
        var parts = entry.Split('|');
        string raw = parts[0].Trim();
        var schedules = ParseSchedules(entry, parts.Skip(1));
        int colon = raw.IndexOf(':'), equals = raw.IndexOf('=');
        string? label = null;
        string rest = raw;
        if (equals >= 0 && (colon < 0 || equals < colon))
        {
            label = raw[..equals].Trim();
            rest = raw[(equals + 1)..].Trim();
            if (label.Length == 0) throw new ArgumentException($"invalid optimizer entry '{raw}': empty label before '='");
            colon = rest.IndexOf(':');
        }
        string name = (colon >= 0 ? rest[..colon] : rest).Trim();
        string optionText = colon >= 0 ? rest[(colon + 1)..] : "";
        if (name.Length == 0) throw new ArgumentException($"invalid optimizer entry '{raw}': no optimizer name");
        var options = new Dictionary<string, object>();
        foreach (string assignment in SplitTopLevel(optionText))
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0) throw new ArgumentException($"invalid optimizer entry '{raw}': expected KEY=VALUE, got '{assignment}'");
            string key = assignment[..eq].Trim();
            if (options.ContainsKey(key)) throw new ArgumentException($"invalid optimizer entry '{raw}': {key} is given twice");
            options[key] = ParseValue(raw, key, assignment[(eq + 1)..].Trim());
        }
        var spec = Resolve(name, options);
        Validate(label ?? name, spec, schedules);
        return (label, name.ToLowerInvariant(), spec, schedules);
    }

    private static OptimizerSpec Resolve(string name, IReadOnlyDictionary<string, object> options)
    {
        if (Variants.TryGetValue(name, out var variant))
        {
            var merged = new Dictionary<string, object>(variant.Defaults);
            foreach (var (k, v) in options) merged[k] = v;
            return new OptimizerSpec(variant.Optimizer, merged);
        }
        if (!OptimizerCatalog.Names.Contains(name, StringComparer.OrdinalIgnoreCase))
            throw new ArgumentException($"unknown optimizer '{name}'{Suggestions.DidYouMean(name, [.. Names, .. Presets.Names])}; known optimizers: {string.Join(", ", Names)}; presets: {string.Join(", ", Presets.Names)}");
        return new OptimizerSpec(name.ToLowerInvariant(), new Dictionary<string, object>(options));
    }

    private static void Validate(string label, OptimizerSpec spec, IReadOnlyList<ScheduleSpec> schedules)
    {
        try
        {
            var optimizer = spec.Validate();
            if (schedules.Count > 0) ScheduleSet.Build(schedules, optimizer, stepsPerEpoch: 1, epochs: 1);
        }
        catch (ArgumentException e) { throw new ArgumentException($"optimizer '{label}': {InvalidOptionException.Describe(e)}"); }
    }

    private static IReadOnlyList<OptimizerEntry> Label(List<(string? Label, string Name, OptimizerSpec Spec, IReadOnlyList<ScheduleSpec> Schedules)> entries)
    {
        var defaults = entries.Select(e => e.Label ?? e.Name).ToList();
        var counts = defaults.GroupBy(l => l, StringComparer.OrdinalIgnoreCase).ToDictionary(g => g.Key, g => g.Count(), StringComparer.OrdinalIgnoreCase);
        var result = new List<OptimizerEntry>();
        for (int i = 0; i < entries.Count; i++)
        {
            var (label, name, spec, schedules) = entries[i];
            if (label is not null) OptimizerEntry.CheckLabel(label);
            string final = label ?? (counts[name] > 1 ? $"{name}({string.Join(", ", spec.Options.Select(kv => $"{kv.Key}={FormatValue(kv.Value)}"))})" : name);
            if (result.Any(r => string.Equals(r.Label, final, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"two optimizers are labelled '{final}'; label them, as in \"fast={name}:...; slow={name}:...\"");
            result.Add(new OptimizerEntry(final, spec, schedules));
        }
        return result;
    }

    /// <summary>Splits "a=1,b=(2,3),c=[4,5]" at the commas outside brackets.</summary>
    private static IEnumerable<string> SplitTopLevel(string text)
    {
        int depth = 0, start = 0;
        for (int i = 0; i <= text.Length; i++)
        {
            if (i == text.Length || (text[i] == ',' && depth == 0))
            {
                string part = text[start..i].Trim();
                if (part.Length > 0) yield return part;
                start = i + 1;
            }
            else if (text[i] is '(' or '[') depth++;
            else if (text[i] is ')' or ']') depth--;
        }
    }

    /// <summary>A value, read as <c>descent train --opt</c> reads it (<see cref="TorchOptions.TryParseValue"/>).</summary>
    private static object ParseValue(string entry, string key, string text) =>
        TorchOptions.TryParseValue(text, out var value, out var problem) ? value!
            : throw new ArgumentException($"invalid optimizer entry '{entry}': {key}={text} {problem}");

    internal static string FormatValue(object value) => value switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        double[] a => "(" + string.Join(",", a.Select(x => x.ToString("G6", CultureInfo.InvariantCulture))) + ")",
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };
}
