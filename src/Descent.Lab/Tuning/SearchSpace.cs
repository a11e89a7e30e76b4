using System.Runtime.CompilerServices;
using Descent.Lab.Training;

namespace Descent.Lab.Tuning;

/// <summary>
/// The optimizer of one branch of a search space, its fixed options and the parameters searched for it (the study's
/// shared parameters first, then its own).
/// </summary>
/// <param name="Optimizer">The optimizer's name.</param>
/// <param name="Fixed">Options given a fixed value (torch keywords, "betas.0" included).</param>
/// <param name="Parameters">The searched parameters.</param>
public sealed record SpaceBranch(string Optimizer, IReadOnlyDictionary<string, object> Fixed, IReadOnlyList<ParameterSpec> Parameters);

/// <summary>
/// What a study searches: one branch per optimizer. With one optimizer the space is its parameters; with several, the
/// optimizer is itself a categorical parameter named <c>optimizer</c> and each optimizer's own parameters are
/// conditional on it (sampled only in its trials; TPE models each optimizer's trials apart). A parameter's key is
/// <c>batch_size</c>, <c>epochs</c> or an optimizer option by its torch keyword, an element of a tuple option by its
/// index (<c>betas.0</c>).
/// </summary>
public sealed class SearchSpace
{
    /// <summary>The name of the categorical parameter choosing the optimizer in a study of several optimizers.</summary>
    public const string OptimizerKey = "optimizer";

    /// <summary>Keys that are training options, not optimizer options.</summary>
    public static readonly IReadOnlyList<string> TrainingKeys = ["batch_size", "epochs"];

    /// <summary>Builds the space; <see cref="Validate()"/> checks it.</summary>
    public SearchSpace(IReadOnlyList<SpaceBranch> branches)
    {
        ArgumentOutOfRangeException.ThrowIfZero(branches.Count);
        Branches = branches;
        OptimizerChoice = new ParameterSpec
        {
            Name = OptimizerKey, Kind = ParameterKind.Choice, Choices = [.. branches.Select(b => ParameterValue.Of(b.Optimizer))],
        };
    }

    /// <summary>The branches, one per optimizer, in the file's order.</summary>
    public IReadOnlyList<SpaceBranch> Branches { get; }

    /// <summary>Whether the optimizer is a parameter (several branches).</summary>
    public bool ChoosesOptimizer => Branches.Count > 1;

    /// <summary>The categorical parameter over the branches' optimizers.</summary>
    public ParameterSpec OptimizerChoice { get; }

    /// <summary>The branch a trial's parameters belong to.</summary>
    public SpaceBranch BranchOf(IReadOnlyDictionary<string, ParameterValue> values) =>
        !ChoosesOptimizer ? Branches[0]
        : values.TryGetValue(OptimizerKey, out var o) && Branches.FirstOrDefault(b => b.Optimizer == o.Text) is { } b ? b
        : throw new ArgumentException($"the trial's parameters name no optimizer of the study");

    /// <summary>The optimizer of a trial with <paramref name="values"/>: fixed options, then the sampled ones.</summary>
    public OptimizerSpec OptimizerFor(IReadOnlyDictionary<string, ParameterValue> values)
    {
        var branch = BranchOf(values);
        var options = new Dictionary<string, object>(StringComparer.Ordinal);
        var elements = new List<(string Key, object Value)>();
        foreach (var (key, value) in branch.Fixed) Put(options, elements, key, value);
        foreach (var p in branch.Parameters)
            if (!TrainingKeys.Contains(p.Name) && values.TryGetValue(p.Name, out var v)) Put(options, elements, p.Name, v.ToOption());
        if (elements.Count > 0) ApplyElements(branch.Optimizer, options, elements);
        return new OptimizerSpec(branch.Optimizer, options);
    }

    /// <summary>The value of a training key (batch_size, epochs) in a trial, or <paramref name="fallback"/>.</summary>
    public static int TrainingValue(IReadOnlyDictionary<string, ParameterValue> values, string key, int fallback) =>
        values.TryGetValue(key, out var v) && !v.IsText ? (int)v.Number : fallback;

    private static void Put(Dictionary<string, object> options, List<(string, object)> elements, string key, object value)
    {
        if (IsElement(key, out _, out _)) elements.Add((key, value));
        else options[key] = value;
    }

    /// <summary>Whether <paramref name="key"/> names an element of a tuple option ("betas.0").</summary>
    public static bool IsElement(string key, out string option, out int index)
    {
        int dot = key.LastIndexOf('.');
        option = dot > 0 ? key[..dot] : key;
        index = -1;
        return dot > 0 && int.TryParse(key.AsSpan(dot + 1), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out index);
    }

    /// <summary>Sets "betas.0"-style elements on the option's value (given, or the optimizer's default).</summary>
    private static void ApplyElements(string optimizer, Dictionary<string, object> options, List<(string Key, object Value)> elements)
    {
        foreach (var group in elements.GroupBy(e => { IsElement(e.Key, out var o, out _); return o; }))
        {
            double[] tuple = options.TryGetValue(group.Key, out var given) ? given switch
            {
                double[] a => (double[])a.Clone(),
                _ => throw new InvalidOptionException(group.Key, given, $"'{group.Key}' is not a tuple, so '{group.First().Key}' names nothing"),
            } : DefaultTuple(optimizer, group.Key, group.First().Key);
            foreach (var (key, value) in group)
            {
                IsElement(key, out _, out int index);
                if (index >= tuple.Length) throw new InvalidOptionException(key, value, $"'{group.Key}' has {tuple.Length} elements, so the index {index} is out of range");
                tuple[index] = value is double d ? d : throw new InvalidOptionException(key, value, "an element of a tuple must be a number");
            }
            options[group.Key] = tuple;
        }
    }

    private static double[] DefaultTuple(string optimizer, string option, string key)
    {
        var created = new OptimizerSpec(optimizer, new Dictionary<string, object>()).Validate();
        string pascal = string.Concat(option.Split('_').Select(s => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..]));
        var property = created.DefaultOptions.GetType().GetProperty(pascal);
        if (property?.GetValue(created.DefaultOptions) is ITuple t)
            return [.. Enumerable.Range(0, t.Length).Select(i => Convert.ToDouble(t[i], System.Globalization.CultureInfo.InvariantCulture))];
        throw new InvalidOptionException(key, null, $"{optimizer} has no tuple option '{option}'", optimizer);
    }

    /// <summary>
    /// Checks that every optimizer exists and accepts each searched option at both ends of its range (every value
    /// of a choice); errors are <see cref="InvalidOptionException"/>s naming the key.
    /// </summary>
    public void Validate()
    {
        foreach (var branch in Branches) Validate(branch);
    }

    /// <summary>Checks one branch as <see cref="Validate()"/> does.</summary>
    public void Validate(SpaceBranch branch)
    {
        {
            var probes = new List<Dictionary<string, ParameterValue>>();
            foreach (var u in new[] { 0.0, 0.999999 })
            {
                var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
                if (ChoosesOptimizer) values[OptimizerKey] = ParameterValue.Of(branch.Optimizer);
                foreach (var p in branch.Parameters) values[p.Name] = p.FromUnit(u);
                probes.Add(values);
            }
            foreach (var p in branch.Parameters.Where(p => p.Kind == ParameterKind.Choice))
                foreach (var c in p.Choices)
                    probes.Add(new Dictionary<string, ParameterValue>(probes[0]) { [p.Name] = c });
            foreach (var values in probes)
            {
                foreach (var key in TrainingKeys)
                    if (values.TryGetValue(key, out var v) && (v.IsText || v.Number < 1 || v.Number != Math.Floor(v.Number)))
                        throw new InvalidOptionException(key, v.ToString(), $"{key} must be a whole number of at least 1");
                OptimizerFor(values).Validate();
            }
        }
    }
}
