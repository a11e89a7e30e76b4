using System.Text.Json;
using System.Text.Json.Nodes;

namespace Descent.Lab.Compare;

/// <summary>
/// Reads an experiment from JSON — the format of a run's config.json, so a finished run can be repeated with
/// <c>--experiment runs/NAME/config.json</c> — or from YAML with the same keys (files ending in .yaml or .yml).
/// </summary>
/// <remarks>
/// <code>
/// {
///   "name": "lectures", "problem": "fmnist-mlp", "epochs": 3, "batch_size": 128,
///   "seeds": 3,                        // or [0, 1, 2]
///   "train_limit": null, "test_limit": null, "data": null,
///   "preset": "lectures",              // optional: the preset's optimizers come first
///   "optimizers": [
///     "adamw:lr=1e-3,weight_decay=0.01",                                      // the --optimizers syntax, or
///     { "label": "slow", "optimizer": "sgd", "options": { "lr": 0.01, "momentum": 0.9 } },
///     { "label": "ramp", "optimizer": "sgd", "options": { "lr": 0.05, "momentum": 0.5 },
///       "schedules": ["momentum=ramp:start=0.5,end=0.9@epoch"] }    // the --schedule syntax
///   ],
///   "landscapes": ["rosenbrock", "quadratic"], "landscape_steps": 300
/// }
/// </code>
/// Every key is optional except "problem" and some optimizer. Unknown keys are errors listing the known ones; keys a
/// run's config.json adds ("environment", "started_at", ...) are ignored. The same in YAML:
/// <code>
/// name: schedules
/// problem: fmnist-mlp
/// epochs: 5
/// seeds: 2
/// optimizers:
///   - "fixed=sgd:lr=0.05,momentum=0.9"
///   - label: ramp
///     optimizer: sgd
///     options: { lr: 0.05, momentum: 0.5 }
///     schedules: ["momentum=ramp:start=0.5,end=0.9@epoch"]
/// </code>
/// </remarks>
public static class ExperimentFile
{
    private static readonly string[] Keys =
        ["name", "problem", "epochs", "batch_size", "eval_batch_size", "seeds", "train_limit", "test_limit", "data", "preset", "optimizers", "landscapes", "landscape_steps"];

    private static readonly string[] Ignored = ["format", "environment", "started_at", "command", "problem_description", "experiment"];

    /// <summary>Reads and validates an experiment file (YAML when its name ends in .yaml or .yml, else JSON); errors name the file and the key.</summary>
    public static Experiment Load(string path, string? defaultName = null)
    {
        string text = File.ReadAllText(path);
        bool yaml = path.EndsWith(".yaml", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".yml", StringComparison.OrdinalIgnoreCase);
        try { return Parse(yaml ? YamlDocument.Parse(text) : ParseJson(text), defaultName ?? Path.GetFileNameWithoutExtension(path)); }
        catch (ArgumentException e) { throw new ArgumentException($"experiment file {path}: {e.Message}"); }
        catch (Exception e) when (e is InvalidOperationException or FormatException or OverflowException)
        {
            // A structure the parsers do not expect (found by corrupting valid files): still an error naming the file.
            throw new ArgumentException($"experiment file {path}: not a valid {(yaml ? "YAML" : "JSON")} experiment ({e.Message})", e);
        }
    }

    /// <summary>Parses experiment JSON; <paramref name="defaultName"/> is the name when the file has none.</summary>
    public static Experiment Parse(string json, string defaultName) => Parse(ParseJson(json), defaultName);

    private static JsonNode? ParseJson(string json)
    {
        try { return JsonNode.Parse(json, documentOptions: new JsonDocumentOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true }); }
        catch (JsonException e) { throw new ArgumentException($"not valid JSON: {e.Message}"); }
    }

    /// <summary>Reads an experiment from a JSON tree (parsed from JSON or YAML).</summary>
    public static Experiment Parse(JsonNode? root, string defaultName)
    {
        if (root is JsonObject { } wrapper && wrapper["experiment"] is JsonObject inner) root = inner;  // a run's config.json
        if (root is not JsonObject obj) throw new ArgumentException("the experiment must be a JSON object");
        foreach (var (key, _) in obj)
            if (!Keys.Contains(key) && !Ignored.Contains(key))
                throw new ArgumentException($"unknown key '{key}'; known keys: {string.Join(", ", Keys)}");

        var optimizers = new List<OptimizerEntry>();
        if (obj["preset"] is { } preset) optimizers.AddRange(Presets.Get(String(preset, "preset")));
        switch (obj["optimizers"])
        {
            case null: break;
            case JsonValue v: optimizers.AddRange(OptimizerList.Parse(String(v, "optimizers"))); break;
            case JsonArray items:
                foreach (var item in items)
                {
                    if (item is JsonObject o) optimizers.Add(ParseEntry(o));
                    else optimizers.AddRange(OptimizerList.Parse(String(item, "optimizers[]")));
                }
                break;
            default: throw new ArgumentException("\"optimizers\" must be a list or a string");
        }
        return new Experiment
        {
            Name = obj["name"] is { } n ? String(n, "name") : defaultName,
            Problem = obj["problem"] is { } p ? String(p, "problem") : throw new ArgumentException("\"problem\" is missing"),
            Optimizers = optimizers,
            Epochs = Int(obj["epochs"], "epochs") ?? 10,
            BatchSize = Int(obj["batch_size"], "batch_size") ?? 128,
            EvalBatchSize = Int(obj["eval_batch_size"], "eval_batch_size") ?? 1000,
            Seeds = Seeds(obj["seeds"]),
            TrainLimit = Int(obj["train_limit"], "train_limit"),
            TestLimit = Int(obj["test_limit"], "test_limit"),
            DataDirectory = obj["data"] is { } d ? String(d, "data") : null,
            Landscapes = obj["landscapes"] is JsonArray l ? [.. l.Select(x => String(x, "landscapes[]"))] : obj["landscapes"] is { } one ? [String(one, "landscapes")] : [],
            LandscapeSteps = Int(obj["landscape_steps"], "landscape_steps") ?? 300,
        };
    }

    /// <summary>Seeds from a count (0 … N−1) or a list.</summary>
    private static IReadOnlyList<ulong> Seeds(JsonNode? node) => node switch
    {
        null => [0],
        JsonArray a => [.. a.Select(x => x is JsonValue v && v.TryGetValue(out ulong s) ? s : throw new ArgumentException("\"seeds\" must be a count or a list of non-negative integers"))],
        JsonValue v when v.TryGetValue(out int count) && count >= 1 && count <= Experiment.MaxSeeds => [.. Enumerable.Range(0, count).Select(i => (ulong)i)],
        _ => throw new ArgumentException($"\"seeds\" must be a count from 1 to {Experiment.MaxSeeds} or a list of non-negative integers"),
    };

    private static OptimizerEntry ParseEntry(JsonObject o)
    {
        foreach (var (key, _) in o)
            if (key is not ("label" or "optimizer" or "options" or "schedules"))
                throw new ArgumentException($"unknown key '{key}' in an optimizer; its keys: label, optimizer, options, schedules");
        string name = o["optimizer"] is { } n ? String(n, "optimizer") : throw new ArgumentException("an optimizer needs \"optimizer\" (its name)");
        string label = o["label"] is { } l ? String(l, "label") : name;
        var options = new Dictionary<string, object>();
        if (o["options"] is JsonObject opts)
            foreach (var (key, value) in opts) options[key] = FromJsonValue(value, $"options.{key}");
        else if (o["options"] is not null) throw new ArgumentException($"\"options\" of optimizer '{label}' must be an object");
        IReadOnlyList<string> schedules = o["schedules"] switch
        {
            null => [],
            JsonArray a => [.. a.Select(x => String(x, "schedules[]"))],
            var one => [String(one, "schedules")],
        };
        return OptimizerList.Create(label, name, options, OptimizerList.ParseSchedules(label, schedules));
    }

    private static object FromJsonValue(JsonNode? node, string where) => node switch
    {
        JsonValue v when v.TryGetValue(out double d) => d,
        JsonValue v when v.TryGetValue(out bool b) => b,
        JsonValue v when v.TryGetValue(out string? s) => s,
        JsonArray a => a.Select(x => x is JsonValue xv && xv.TryGetValue(out double d) ? d : throw new ArgumentException($"\"{where}\" must hold numbers")).ToArray(),
        _ => throw new ArgumentException($"\"{where}\" must be a number, true/false, text or a list of numbers"),
    };

    /// <summary>An option value as JSON.</summary>
    internal static JsonNode? ToJsonValue(object value) => value switch
    {
        double d => JsonValue.Create(d),
        bool b => JsonValue.Create(b),
        double[] a => new JsonArray([.. a.Select(x => JsonValue.Create(x))]),
        int i => JsonValue.Create(i),
        _ => JsonValue.Create(value.ToString()),
    };

    private static string String(JsonNode? node, string key) =>
        node is JsonValue v && v.TryGetValue(out string? s) ? s : throw new ArgumentException($"\"{key}\" must be text");

    private static int? Int(JsonNode? node, string key) => node switch
    {
        null => null,
        JsonValue v when v.TryGetValue(out int i) => i,
        _ => throw new ArgumentException($"\"{key}\" must be an integer"),
    };
}
