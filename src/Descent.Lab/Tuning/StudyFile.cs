using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Compare;
using Descent.Lab.Problems;

namespace Descent.Lab.Tuning;

/// <summary>
/// Reads a study from YAML or JSON (the same keys; see docs/tuning.md) and validates all of it before anything
/// runs: an unknown key, an unknown optimizer or option, a log range with a non-positive bound, an empty choice are
/// <see cref="ArgumentException"/>s naming the key.
/// </summary>
/// <remarks>
/// <code>
/// name: fmnist-adam-lr
/// problem: fmnist-mlp
/// epochs: 10
/// batch_size: 128
/// objective: { metric: test_accuracy, at: final, direction: maximize }
/// seeds: 1
/// optimizer: adam                 # or: optimizers: { sgd: { momentum: {uniform: [0, 0.99]} }, adam: {} }
/// space:
///   lr: { log_uniform: [1e-5, 1e-1] }
///   betas.0: { uniform: [0.8, 0.99] }
///   weight_decay: { choice: [0, 1e-4, 1e-3] }
///   eps: 1e-8                     # a plain value is a fixed option
/// sampler: tpe
/// pruner: asha
/// trials: 50
/// </code>
/// </remarks>
public static class StudyFile
{
    private static readonly string[] Keys =
        ["name", "problem", "epochs", "batch_size", "eval_batch_size", "train_limit", "test_limit", "data", "objective", "seeds",
         "optimizer", "optimizers", "space", "sampler", "pruner", "trials", "seed"];

    /// <summary>The samplers.</summary>
    public static readonly IReadOnlyList<string> Samplers = ["grid", "random", "quasi_random", "tpe"];

    /// <summary>The pruners.</summary>
    public static readonly IReadOnlyList<string> Pruners = ["none", "median", "asha", "hyperband"];

    /// <summary>Reads and validates a study file; errors name the file and the key.</summary>
    public static StudyDefinition Load(string path)
    {
        string text = File.ReadAllText(path);
        bool yaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        try { return Parse(yaml ? YamlDocument.Parse(text) : ParseJson(text), Path.GetFileNameWithoutExtension(path)); }
        catch (InvalidOptionException e) { throw new ArgumentException($"study file {path}: {Where(e)}", e); }
        catch (ArgumentException e) { throw new ArgumentException($"study file {path}: {e.Message}", e); }
    }

    private static string Where(InvalidOptionException e) => $"\"space.{e.Key}\": {e.Reason}";

    private static JsonNode? ParseJson(string json)
    {
        try { return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ArgumentException($"not valid JSON: {e.Message}"); }
    }

    /// <summary>Reads a study from its JSON tree (parsed from JSON or YAML, or stored).</summary>
    public static StudyDefinition Parse(JsonNode? root, string defaultName)
    {
        if (root is not JsonObject obj) throw new ArgumentException("the study must be a mapping of keys");
        foreach (var (key, _) in obj)
            if (!Keys.Contains(key)) throw new ArgumentException($"unknown key '{key}'; known keys: {string.Join(", ", Keys)}");

        string name = obj["name"] is { } n ? Text(n, "name") : defaultName;
        if (name.Length == 0 || name.IndexOfAny(['/', '\\']) >= 0 || name is "." or "..") throw new ArgumentException($"\"name\" must be a plain name, not '{name}'");
        string problem = obj["problem"] is { } p ? Text(p, "problem") : throw new ArgumentException("\"problem\" is missing");
        ProblemCatalog.Get(problem);
        var objective = ParseObjective(obj["objective"]);
        string sampler = obj["sampler"] is { } s ? Text(s, "sampler") : "tpe";
        if (!Samplers.Contains(sampler)) throw new ArgumentException($"\"sampler\": unknown sampler '{sampler}'; known: {string.Join(", ", Samplers)}");
        string pruner = obj["pruner"] is { } pr ? Text(pr, "pruner") : "none";
        if (!Pruners.Contains(pruner)) throw new ArgumentException($"\"pruner\": unknown pruner '{pruner}'; known: {string.Join(", ", Pruners)}");

        var shared = ParseSpace(obj["space"], "space", out var sharedFixed);
        var branches = new List<SpaceBranch>();
        if (obj["optimizer"] is { } single)
        {
            if (obj["optimizers"] is not null) throw new ArgumentException("give \"optimizer\" or \"optimizers\", not both");
            branches.Add(new SpaceBranch(Text(single, "optimizer"), sharedFixed, shared));
        }
        else if (obj["optimizers"] is JsonObject several && several.Count > 0)
        {
            foreach (var (optimizer, sub) in several)
            {
                var own = sub is null ? [] : ParseSpace(sub, $"optimizers.{optimizer}", out var ownFixed);
                var fixedOptions = new Dictionary<string, object>(sharedFixed);
                if (sub is not null) { ParseSpace(sub, $"optimizers.{optimizer}", out var f); foreach (var (k, v) in f) fixedOptions[k] = v; }
                foreach (var param in own)
                    if (shared.Any(x => x.Name == param.Name)) throw new ArgumentException($"\"optimizers.{optimizer}.{param.Name}\" is also in \"space\"");
                branches.Add(new SpaceBranch(optimizer, fixedOptions, [.. shared, .. own]));
            }
        }
        else if (obj["optimizers"] is { } list && list is JsonArray names && names.Count > 0)
            foreach (var item in names) branches.Add(new SpaceBranch(Text(item, "optimizers[]"), sharedFixed, shared));
        else throw new ArgumentException("\"optimizer\" (a name) or \"optimizers\" (a mapping of name → own space) is missing");
        if (branches.Select(b => b.Optimizer).Distinct().Count() != branches.Count) throw new ArgumentException("\"optimizers\" names an optimizer twice");

        var space = new SearchSpace(branches);
        foreach (var b in branches)
            try { space.Validate(b); }
            catch (InvalidOptionException e) when (e.Key != "batch_size" && e.Key != "epochs")
            {
                string where = shared.Any(x => x.Name == e.Key) || sharedFixed.ContainsKey(e.Key) || !space.ChoosesOptimizer ? $"space.{e.Key}" : $"optimizers.{b.Optimizer}.{e.Key}";
                if (e.Reason.StartsWith("unknown optimizer", StringComparison.Ordinal) || e.Key == "optimizer") throw new ArgumentException($"\"{(space.ChoosesOptimizer ? "optimizers" : "optimizer")}\": {e.Reason}");
                throw new ArgumentException($"\"{where}\": {e.Reason}{(e.Value is null ? "" : $" (got {InvalidOptionException.Format(e.Value)})")}");
            }
            catch (InvalidOptionException e) { throw new ArgumentException($"\"space.{e.Key}\": {e.Reason}"); }

        var definition = new StudyDefinition
        {
            Name = name,
            Problem = problem,
            Epochs = Positive(obj["epochs"], "epochs") ?? 10,
            BatchSize = Positive(obj["batch_size"], "batch_size") ?? 128,
            EvalBatchSize = Positive(obj["eval_batch_size"], "eval_batch_size") ?? 1000,
            TrainLimit = Positive(obj["train_limit"], "train_limit"),
            TestLimit = Positive(obj["test_limit"], "test_limit"),
            DataDirectory = obj["data"] is { } d ? Text(d, "data") : null,
            Objective = objective,
            Seeds = Positive(obj["seeds"], "seeds") ?? 1,
            Space = space,
            Sampler = sampler,
            Pruner = pruner,
            Trials = Positive(obj["trials"], "trials") ?? (sampler == "grid" ? GridSize(space) : 50),
            SamplerSeed = obj["seed"] is JsonValue sv && sv.TryGetValue(out ulong seed) ? seed : obj["seed"] is null ? 0UL : throw new ArgumentException("\"seed\" must be a non-negative integer"),
            Json = new JsonObject(),
        };
        if (definition.Seeds > Experiment.MaxSeeds) throw new ArgumentException($"\"seeds\" must be at most {Experiment.MaxSeeds}");
        if (sampler == "grid" && definition.Trials > GridSize(space))
            throw new ArgumentException($"\"trials\": the grid has {GridSize(space)} points, fewer than the {definition.Trials} trials asked");
        if (pruner != "none" && objective.AtBest is false && definition.MaxEpochs < 2)
            throw new ArgumentException($"\"pruner\": {pruner} needs trials of at least 2 epochs");
        return definition with { Json = Canonical(definition) };
    }

    /// <summary>The number of points of the grid sampler: the sum over optimizers of the product of their parameters' grids.</summary>
    public static int GridSize(SearchSpace space) =>
        (int)Math.Min(int.MaxValue, space.Branches.Sum(b => b.Parameters.Aggregate(1L, (n, p) => n * p.Grid().Count)));

    private static Objective ParseObjective(JsonNode? node)
    {
        if (node is null) return new Objective("test_accuracy", false, Direction.Maximize);
        if (node is JsonValue v) node = new JsonObject { ["metric"] = Text(v, "objective") };
        if (node is not JsonObject o) throw new ArgumentException("\"objective\" must be { metric: NAME, at: final|best, direction: minimize|maximize }");
        foreach (var (key, _) in o)
            if (key is not ("metric" or "at" or "direction")) throw new ArgumentException($"unknown key 'objective.{key}'; known: metric, at, direction");
        string metric = o["metric"] is { } m ? Text(m, "objective.metric") : "test_accuracy";
        if (!Objective.Metrics.Contains(metric)) throw new ArgumentException($"\"objective.metric\": unknown metric '{metric}'; known: {string.Join(", ", Objective.Metrics)}");
        string at = o["at"] is { } a ? Text(a, "objective.at") : "final";
        if (at is not ("final" or "best")) throw new ArgumentException($"\"objective.at\" must be final or best, not '{at}'");
        string direction = o["direction"] is { } d ? Text(d, "objective.direction") : metric.EndsWith("accuracy", StringComparison.Ordinal) ? "maximize" : "minimize";
        if (direction is not ("minimize" or "maximize")) throw new ArgumentException($"\"objective.direction\" must be minimize or maximize, not '{direction}'");
        return new Objective(metric, at == "best", direction == "maximize" ? Direction.Maximize : Direction.Minimize);
    }

    private static List<ParameterSpec> ParseSpace(JsonNode? node, string where, out Dictionary<string, object> fixedOptions)
    {
        fixedOptions = new Dictionary<string, object>(StringComparer.Ordinal);
        var result = new List<ParameterSpec>();
        if (node is null) return result;
        if (node is not JsonObject o) throw new ArgumentException($"\"{where}\" must be a mapping of key → distribution");
        foreach (var (key, value) in o)
        {
            if (key == SearchSpace.OptimizerKey) throw new ArgumentException($"\"{where}.{key}\": the optimizer is chosen with \"optimizers\"");
            if (value is JsonObject) result.Add(ParameterSpec.Parse(key, value, $"{where}.{key}"));
            else if (SearchSpace.TrainingKeys.Contains(key)) throw new ArgumentException($"\"{where}.{key}\": give a fixed {key} at the top of the file");
            else fixedOptions[key] = value switch
            {
                JsonValue v when v.TryGetValue(out double x) => x,
                JsonValue v when v.TryGetValue(out bool b) => b,
                JsonValue v when v.TryGetValue(out string? s) => s,
                JsonArray a => a.Select(x => x is JsonValue xv && xv.TryGetValue(out double y) ? y : throw new ArgumentException($"\"{where}.{key}\" must hold numbers")).ToArray(),
                _ => throw new ArgumentException($"\"{where}.{key}\" must be a distribution or a fixed value"),
            };
        }
        return result;
    }

    /// <summary>The definition as canonical JSON: every key with its resolved value, parameters in the file's order.</summary>
    private static JsonObject Canonical(StudyDefinition d)
    {
        JsonObject Space(SpaceBranch b, IEnumerable<ParameterSpec> ps)
        {
            var o = new JsonObject();
            foreach (var (k, v) in b.Fixed.OrderBy(p => p.Key, StringComparer.Ordinal)) o[k] = ExperimentFile.ToJsonValue(v);
            foreach (var p in ps) o[p.Name] = p.ToJson();
            return o;
        }
        var json = new JsonObject
        {
            ["name"] = d.Name, ["problem"] = d.Problem, ["epochs"] = d.Epochs, ["batch_size"] = d.BatchSize, ["eval_batch_size"] = d.EvalBatchSize,
            ["train_limit"] = d.TrainLimit, ["test_limit"] = d.TestLimit, ["data"] = d.DataDirectory,
            ["objective"] = new JsonObject { ["metric"] = d.Objective.Metric, ["at"] = d.Objective.AtBest ? "best" : "final", ["direction"] = d.Objective.Direction == Direction.Maximize ? "maximize" : "minimize" },
            ["seeds"] = d.Seeds, ["sampler"] = d.Sampler, ["pruner"] = d.Pruner, ["trials"] = d.Trials, ["seed"] = d.SamplerSeed,
        };
        if (d.Space.ChoosesOptimizer)
        {
            var opts = new JsonObject();
            foreach (var b in d.Space.Branches) opts[b.Optimizer] = Space(b, b.Parameters);
            json["optimizers"] = opts;
        }
        else
        {
            json["optimizer"] = d.Space.Branches[0].Optimizer;
            json["space"] = Space(d.Space.Branches[0], d.Space.Branches[0].Parameters);
        }
        return json;
    }

    private static string Text(JsonNode? node, string key) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : throw new ArgumentException($"\"{key}\" must be text");

    private static int? Positive(JsonNode? node, string key) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int i) && i >= 1 => i,
        _ => throw new ArgumentException($"\"{key}\" must be an integer of at least 1"),
    };

    /// <summary>Formats a number the way the study files and reports do.</summary>
    internal static string Number(double value) => value.ToString("G6", CultureInfo.InvariantCulture);
}
