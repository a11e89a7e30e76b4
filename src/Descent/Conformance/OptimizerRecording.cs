using System.Text.Json;

namespace Descent.Conformance;

/// <summary>
/// A file of torch.optim trajectories: for each case, an optimizer and its torch keyword options, the initial
/// parameters, the gradient set before every step, and the parameters and torch's per-parameter state after every
/// step. It is the format of <c>descent check optimizers FILE.json</c> and of the project's own fixture, written by
/// <c>tools/fixtures/record_optimizers.py</c> and described in <c>docs/conformance-format.md</c>.
/// <see cref="OptimizerReplay"/> replays a case.
/// </summary>
/// <param name="Torch">The torch version that recorded the file.</param>
/// <param name="Dtype">The element type of every tensor; always "float32".</param>
/// <param name="Cases">The recorded cases, in file order.</param>
public sealed record OptimizerRecording(string Torch, string Dtype, IReadOnlyList<OptimizerCase> Cases)
{
    /// <summary>
    /// Reads and validates <paramref name="path"/>: a malformed file is a <see cref="RecordingFormatException"/>
    /// naming the path and the JSON location; a missing one a <see cref="FileNotFoundException"/>.
    /// </summary>
    public static OptimizerRecording Load(string path) => Parse(JsonRecordingReader.ReadFile(path), path);

    /// <summary>Parses a recording; <paramref name="path"/> only names the source in error messages.</summary>
    public static OptimizerRecording Parse(ReadOnlyMemory<byte> utf8Json, string path)
    {
        using var doc = JsonRecordingReader.ParseDocument(utf8Json, path, maxDepth: 16);
        return new OptimizerRecordingReader(path).Recording(doc.RootElement);
    }
}

/// <summary>One recorded optimizer run.</summary>
/// <param name="Name">A readable name, unique in the file.</param>
/// <param name="Optimizer">The torch.optim class name, such as "Adam".</param>
/// <param name="Options">Torch keyword options, in file order: each value a double, a bool or a double[].</param>
/// <param name="Shapes">One parameter tensor per shape, all in one parameter group.</param>
/// <param name="LrHalvedBeforeStep">1-based step before which the lr of every group is multiplied by 0.5, or null.</param>
/// <param name="Init">The initial values of each tensor, flattened row-major.</param>
/// <param name="Grads">Per step, per tensor: the gradient set before the step, or null for none (torch skips the tensor).</param>
/// <param name="ParamsAfterStep">Per step, per tensor: the parameters after the step.</param>
/// <param name="StateAfterStep">Per step, per tensor: torch's <c>optimizer.state[p]</c> after the step (empty before any).</param>
public sealed record OptimizerCase(
    string Name,
    string Optimizer,
    IReadOnlyDictionary<string, object> Options,
    IReadOnlyList<int[]> Shapes,
    int? LrHalvedBeforeStep,
    IReadOnlyList<float[]> Init,
    IReadOnlyList<IReadOnlyList<float[]?>> Grads,
    IReadOnlyList<IReadOnlyList<float[]>> ParamsAfterStep,
    IReadOnlyList<IReadOnlyList<IReadOnlyDictionary<string, TorchStateValue>>> StateAfterStep)
{
    /// <summary>The number of recorded steps.</summary>
    public int Steps => Grads.Count;

    /// <inheritdoc/>
    public override string ToString() => Name;
}

/// <summary>The kind of one entry of torch's per-parameter optimizer state.</summary>
public enum TorchStateKind
{
    /// <summary>A Python number or a 0-dimensional tensor ("step", ASGD "eta" and "mu", NAdam "mu_product").</summary>
    Number,

    /// <summary>A tensor with the parameter's shape, flattened ("exp_avg", "momentum_buffer", ...).</summary>
    Tensor,

    /// <summary>None, as SGD's "momentum_buffer" when momentum is 0.</summary>
    None,
}

/// <summary>One entry of torch's per-parameter optimizer state.</summary>
/// <param name="Kind">Which of the fields holds the value.</param>
/// <param name="Number">The value of a <see cref="TorchStateKind.Number"/> entry.</param>
/// <param name="Values">The elements of a <see cref="TorchStateKind.Tensor"/> entry.</param>
public sealed record TorchStateValue(TorchStateKind Kind, double Number, float[]? Values);

/// <summary>Walks an optimizer recording, checking types and sizes, with the JSON path of every value for errors.</summary>
internal sealed class OptimizerRecordingReader(string file) : JsonRecordingReader(file)
{
    public OptimizerRecording Recording(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        string torch = String(Required(root, "torch", "$"), "$.torch");
        string dtype = String(Required(root, "dtype", "$"), "$.dtype");
        if (dtype != "float32") throw Error("$.dtype", $"must be \"float32\", got \"{dtype}\"");
        var casesElement = Required(root, "cases", "$");
        Expect(casesElement, JsonValueKind.Array, "$.cases");
        var cases = new List<OptimizerCase>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var c in casesElement.EnumerateArray())
        {
            var parsed = Case(c, $"$.cases[{i++}]");
            if (!names.Add(parsed.Name)) throw Error($"$.cases[{i - 1}].name", $"\"{parsed.Name}\" names two cases");
            cases.Add(parsed);
        }
        return new OptimizerRecording(torch, dtype, cases);
    }

    private OptimizerCase Case(JsonElement c, string at)
    {
        Expect(c, JsonValueKind.Object, at);
        string name = String(Required(c, "name", at), at + ".name");
        string optimizer = String(Required(c, "optimizer", at), at + ".optimizer");
        var options = Options(Required(c, "options", at), at + ".options");

        var shapes = List(Required(c, "shapes", at), at + ".shapes", (e, p) =>
            List(e, p, (d, q) => d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out int n) && n >= 0
                ? n : throw Error(q, $"must be a dimension (an integer >= 0), got {Describe(d)}")).ToArray());
        if (shapes.Count == 0) throw Error(at + ".shapes", "is empty; a case needs at least one tensor");
        long[] sizes = shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray();
        for (int t = 0; t < sizes.Length; t++)
            if (sizes[t] > Array.MaxLength) throw Error($"{at}.shapes[{t}]", $"has {sizes[t]} elements, too many for one tensor");

        int? halved = null;
        if (Optional(c, "lr_halved_before_step") is { } h)
            halved = h.ValueKind == JsonValueKind.Number && h.TryGetInt32(out int s) && s >= 1 ? s
                : throw Error(at + ".lr_halved_before_step", $"must be a step number >= 1, got {Describe(h)}");

        var init = PerTensor(Required(c, "init", at), at + ".init", sizes, nullable: false).Select(v => v!).ToList();

        var grads = List(Required(c, "grads", at), at + ".grads", (e, p) => PerTensor(e, p, sizes, nullable: true));
        int steps = grads.Count;
        if (steps == 0) throw Error(at + ".grads", "has no steps");
        if (halved > steps) throw Error(at + ".lr_halved_before_step", $"is {halved}, after the last of {steps} steps");

        var parameters = List(Required(c, "params_after_step", at), at + ".params_after_step",
            (e, p) => (IReadOnlyList<float[]>)PerTensor(e, p, sizes, nullable: false).Select(v => v!).ToList());
        if (parameters.Count != steps)
            throw Error(at + ".params_after_step", $"has {parameters.Count} steps, grads has {steps}");

        var state = List(Required(c, "state_after_step", at), at + ".state_after_step", (e, p) =>
        {
            var perTensor = List(e, p, State);
            if (perTensor.Count != sizes.Length) throw Error(p, $"has {perTensor.Count} tensors, shapes has {sizes.Length}");
            for (int t = 0; t < sizes.Length; t++)
                foreach (var (key, value) in perTensor[t])
                    if (value.Kind == TorchStateKind.Tensor && value.Values!.Length != sizes[t])
                        throw Error($"{p}[{t}]{Member(key)}", $"has {value.Values.Length} values, shape [{string.Join(", ", shapes[t])}] has {sizes[t]}");
            return (IReadOnlyList<IReadOnlyDictionary<string, TorchStateValue>>)perTensor;
        });
        if (state.Count != steps)
            throw Error(at + ".state_after_step", $"has {state.Count} steps, grads has {steps}");

        return new OptimizerCase(name, optimizer, options, shapes, halved, init, grads, parameters, state);
    }

    private Dictionary<string, object> Options(JsonElement e, string at)
    {
        Expect(e, JsonValueKind.Object, at);
        var result = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            string where = at + Member(p.Name);
            if (result.ContainsKey(p.Name)) throw Error(where, "appears twice");
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Number => Number(p.Value, where),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Array => Numbers(p.Value, where),
                _ => throw Error(where, $"must be a number, true/false or an array of numbers, got {Describe(p.Value)}"),
            };
        }
        return result;
    }

    private Dictionary<string, TorchStateValue> State(JsonElement e, string at)
    {
        Expect(e, JsonValueKind.Object, at);
        var result = new Dictionary<string, TorchStateValue>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            string where = at + Member(p.Name);
            if (result.ContainsKey(p.Name)) throw Error(where, "appears twice");
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Number => new TorchStateValue(TorchStateKind.Number, Number(p.Value, where), null),
                JsonValueKind.Null => new TorchStateValue(TorchStateKind.None, 0, null),
                JsonValueKind.Array => new TorchStateValue(TorchStateKind.Tensor, 0, Floats(p.Value, where)),
                _ => throw Error(where, $"must be a number, an array of numbers or null, got {Describe(p.Value)}"),
            };
        }
        return result;
    }

    /// <summary>One array of values per tensor, each with its tensor's size; null entries only when allowed.</summary>
    private List<float[]?> PerTensor(JsonElement e, string at, long[] sizes, bool nullable)
    {
        var result = List(e, at, (x, p) => x.ValueKind == JsonValueKind.Null && nullable ? null : Floats(x, p));
        if (result.Count != sizes.Length) throw Error(at, $"has {result.Count} tensors, shapes has {sizes.Length}");
        for (int t = 0; t < sizes.Length; t++)
            if (result[t] is { } v && v.Length != sizes[t])
                throw Error($"{at}[{t}]", $"has {v.Length} values, its shape has {sizes[t]}");
        return result;
    }

}
