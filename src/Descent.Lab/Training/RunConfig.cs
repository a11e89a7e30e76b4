using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Descent.Lab.Problems;
using Descent.Optim;

namespace Descent.Lab.Training;

/// <summary>
/// What defines a training run, as sorted name → text entries: the problem, the optimizer with every resolved
/// hyper-parameter (defaults included), batch size, seed, data limits, schedules and epochs. A checkpoint stores it,
/// and a run refuses to resume from a checkpoint whose configuration differs (<see cref="DifferencesFrom"/>).
/// </summary>
public sealed class RunConfig
{
    private readonly SortedDictionary<string, string> _entries;

    private RunConfig(SortedDictionary<string, string> entries) => _entries = entries;

    /// <summary>The entries, sorted by name, such as "batch_size" → "128" and "optimizer.lr" → "0.05".</summary>
    public IReadOnlyDictionary<string, string> Entries => _entries;

    /// <summary>The configuration of a run of <paramref name="problem"/> with <paramref name="optimizer"/> and <paramref name="options"/>.</summary>
    public static RunConfig Create(Problem problem, OptimizerSpec optimizer, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        var probe = Tensors.Tensor.Zeros(1);
        probe.RequiresGrad = true;
        var created = optimizer.Create([new Nn.NamedParameter("probe", probe)]);
        var entries = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["problem"] = problem.Name,
            ["optimizer"] = created.GetType().Name,
            ["batch_size"] = Text(options.BatchSize),
            ["epochs"] = Text(options.Epochs),
            ["seed"] = Text(options.Seed),
            ["train_limit"] = options.TrainLimit is int t ? Text(t) : "all",
            ["test_limit"] = options.TestLimit is int s ? Text(s) : "all",
            ["schedules"] = string.Join("; ", options.Schedules.Select(x => x.ToString())),
            ["non_finite"] = options.NonFinitePolicy == NonFinitePolicy.SkipStep ? "skip" : options.NonFinitePolicy.ToString().ToLowerInvariant(),
        };
        var defaults = created.DefaultOptions;
        foreach (var property in defaults.GetType().GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.PropertyType != typeof(HyperTable))
                     .OrderBy(p => p.Name, StringComparer.Ordinal))
            entries["optimizer." + SnakeCase(property.Name)] = Text(property.GetValue(defaults));
        return new RunConfig(entries);
    }

    /// <summary>
    /// What differs between this run's configuration and <paramref name="checkpoint"/>'s, one line per entry, such as
    /// "batch_size: the checkpoint has 32, this run 64". Empty when a resume is allowed. The non-finite policy may
    /// change; so may the number of epochs when there are no schedules (whose course depends on it). An optimizer entry
    /// the checkpoint does not have (an options property added after it was written) is not compared.
    /// </summary>
    public IReadOnlyList<string> DifferencesFrom(RunConfig checkpoint)
    {
        ArgumentNullException.ThrowIfNull(checkpoint);
        var ignored = new HashSet<string>(StringComparer.Ordinal) { "non_finite" };
        if (_entries.GetValueOrDefault("schedules", "") == "" && checkpoint._entries.GetValueOrDefault("schedules", "") == "") ignored.Add("epochs");
        var result = new List<string>();
        foreach (var key in _entries.Keys.Union(checkpoint._entries.Keys).Order(StringComparer.Ordinal))
        {
            if (ignored.Contains(key)) continue;
            string? mine = _entries.GetValueOrDefault(key), theirs = checkpoint._entries.GetValueOrDefault(key);
            if (mine == theirs) continue;
            if (theirs is null && key.StartsWith("optimizer.", StringComparison.Ordinal)) continue;   // an options property added since the checkpoint was written
            result.Add($"{key}: the checkpoint has {Show(theirs)}, this run {Show(mine)}");
        }
        return result;
    }

    /// <summary>The entries as a JSON object of strings.</summary>
    public string ToJson() => JsonSerializer.Serialize(_entries);

    /// <summary>Reads <see cref="ToJson"/>'s output.</summary>
    /// <exception cref="FormatException">The text is not a JSON object of strings.</exception>
    public static RunConfig FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            var entries = JsonSerializer.Deserialize<Dictionary<string, string>>(json)
                ?? throw new FormatException("the run configuration is null");
            return new RunConfig(new SortedDictionary<string, string>(entries, StringComparer.Ordinal));
        }
        catch (JsonException e)
        {
            throw new FormatException($"the run configuration is not a JSON object of strings: {e.Message}", e);
        }
    }

    /// <summary>"name=value" pairs, one per line.</summary>
    public override string ToString() => string.Join(Environment.NewLine, _entries.Select(e => $"{e.Key}={e.Value}"));

    private static string Show(string? value) => value is null ? "nothing" : value == "" ? "none" : value;

    private static string SnakeCase(string name)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (char.IsUpper(c) && i > 0) sb.Append('_');
            sb.Append(char.ToLowerInvariant(c));
        }
        return sb.ToString();
    }

    private static string Text(object? value) => value switch
    {
        null => "none",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        float f => f.ToString("R", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        double[] a => "[" + string.Join(",", a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))) + "]",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
