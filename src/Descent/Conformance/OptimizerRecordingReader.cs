using System.Text.Json;
using Descent.Optim;

namespace Descent.Conformance;

/// <summary>
/// Builds an <see cref="OptimizerRecording"/> while checking it: every type, size and step count, with the JSON path
/// of every value for errors.
/// </summary>
internal sealed class OptimizerRecordingReader(string file) : JsonRecordingReader(file)
{
    public OptimizerRecording Recording(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        string torch = String(Required(root, "torch", "$"), "$.torch");
        string dtype = String(Required(root, "dtype", "$"), "$.dtype");
        if (dtype != "float32") throw Error("$.dtype", $"must be \"float32\", got \"{dtype}\"");
        if (Optional(root, "source") is { } source) Expect(source, JsonValueKind.Object, "$.source");
        var casesElement = Required(root, "cases", "$");
        Expect(casesElement, JsonValueKind.Array, "$.cases");
        var cases = new List<OptimizerCase>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        int i = 0;
        foreach (var c in casesElement.EnumerateArray())
        {
            string at = $"$.cases[{i++}]";
            var parsed = Case(c, at);
            if (Optional(c, "name") is null)
            {
                // An unnamed case is named by its configuration; a second one alike gets its position too.
                if (!names.Add(parsed.Name)) parsed = parsed with { Name = $"{parsed.Name} #{i}" };
                names.Add(parsed.Name);
            }
            else if (!names.Add(parsed.Name)) throw Error(at + ".name", $"\"{parsed.Name}\" names two cases");
            cases.Add(parsed);
        }
        return new OptimizerRecording(torch, dtype, cases);
    }

    private OptimizerCase Case(JsonElement c, string at)
    {
        Expect(c, JsonValueKind.Object, at);
        string optimizer = String(Required(c, "optimizer", at), at + ".optimizer");
        var options = Options(Required(c, "options", at), at + ".options");
        string name = Optional(c, "name") is { } n ? String(n, at + ".name")
            : PythonText.Call(optimizer, options.Select(o => $"{o.Key}={PythonText.Value(o.Value)}"));

        var shapes = List(Required(c, "shapes", at), at + ".shapes", (e, p) =>
            List(e, p, (d, q) => d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out int k) && k >= 0
                ? k : throw Error(q, $"must be a dimension (an integer >= 0), got {Describe(d)}")).ToArray());
        if (shapes.Count == 0) throw Error(at + ".shapes", "is empty; a case needs at least one tensor");
        long[] sizes = shapes.Select(s => s.Aggregate(1L, (a, b) => a * b)).ToArray();
        for (int t = 0; t < sizes.Length; t++)
            if (sizes[t] > Array.MaxLength) throw Error($"{at}.shapes[{t}]", $"has {sizes[t]} elements, too many for one tensor");

        int? halved = Optional(c, "lr_halved_before_step") is { } h ? StepNumber(h, at + ".lr_halved_before_step") : null;
        var init = PerTensor(Required(c, "init", at), at + ".init", sizes, nullable: false).Select(v => v!).ToList();

        // Gradients come from the file, or (closed loop) from the loss.
        QuadraticLoss? loss = Optional(c, "loss") is { } l ? Loss(l, at + ".loss", sizes) : null;
        List<IReadOnlyList<float[]?>>? grads = null;
        if (Optional(c, "grads") is { } g)
        {
            if (loss is not null) throw Error(at, "has both \"grads\" and \"loss\"; a closed-loop case computes its gradients from the loss");
            grads = List(g, at + ".grads", (e, p) => (IReadOnlyList<float[]?>)PerTensor(e, p, sizes, nullable: true));
        }
        else if (loss is null) throw Error(at, "has no \"grads\" (nor a \"loss\" for a closed-loop case)");

        var parameters = Steps(Required(c, "params_after_step", at), at + ".params_after_step", sizes);
        int steps = parameters.Count;
        if (steps == 0) throw Error(at + ".params_after_step", "has no steps");
        if (grads is not null && grads.Count != steps) throw Error(at + ".grads", $"has {grads.Count} steps, params_after_step has {steps}");
        if (halved > steps) throw Error(at + ".lr_halved_before_step", $"is {halved}, after the last of {steps} steps");

        var state = Optional(c, "state_after_step") is { } s
            ? SameSteps(List(s, at + ".state_after_step", (e, p) => Counted(List(e, p, State), p, sizes.Length)), at + ".state_after_step", steps)
            : null;
        var group = Optional(c, "group_after_step") is { } gr
            ? SameSteps(List(gr, at + ".group_after_step", Scalars), at + ".group_after_step", steps)
            : null;
        var eval = Optional(c, "eval_params_after_step") is { } ev
            ? SameSteps(Steps(ev, at + ".eval_params_after_step", sizes), at + ".eval_params_after_step", steps)
            : null;
        var seen = Optional(c, "grads_seen") is { } gs
            ? SameSteps(List(gs, at + ".grads_seen", (e, p) => (IReadOnlyList<IReadOnlyList<float[]>>)Steps(e, p, sizes)), at + ".grads_seen", steps)
            : null;
        if (seen is not null && loss is null) throw Error(at + ".grads_seen", "is only for a closed-loop case (one with a \"loss\")");

        var noneAt = Optional(c, "grad_none_at") is { } na ? NoneAt(na, at + ".grad_none_at", grads, sizes.Length) : null;
        return new OptimizerCase(name, optimizer, options, shapes, halved, init, grads, parameters, state)
        {
            GroupAfterStep = group,
            EvalParamsAfterStep = eval,
            Loss = loss,
            GradsSeen = seen,
            Seed = Optional(c, "seed") is { } seed ? (seed.ValueKind == JsonValueKind.Number && seed.TryGetInt64(out long v) ? v : throw Error(at + ".seed", $"must be an integer, got {Describe(seed)}")) : null,
            InitScale = Optional(c, "init_scale") is { } scale ? Number(scale, at + ".init_scale") : null,
            GradOffset = Optional(c, "grad_offset") is { } offset ? Number(offset, at + ".grad_offset") : null,
            GradNoneAt = noneAt,
        };
    }

    /// <summary>Option values: numbers, bools, strings, None, arrays (of numbers, None allowed) and objects of these.</summary>
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
                JsonValueKind.String => p.Value.GetString()!,
                JsonValueKind.Null => TorchOptions.None,
                JsonValueKind.Object => Options(p.Value, where),
                JsonValueKind.Array when p.Value.EnumerateArray().Any(x => x.ValueKind == JsonValueKind.Null) =>
                    List(p.Value, where, (x, q) => x.ValueKind == JsonValueKind.Null ? (double?)null : Number(x, q)).ToArray(),
                JsonValueKind.Array => Numbers(p.Value, where),
                _ => throw Error(where, $"must be a number, true/false, a string, null, an array of numbers or an object, got {Describe(p.Value)}"),
            };
        }
        return result;
    }

    /// <summary>One entry per tensor of a state: numbers, bools, null, or tensors of any size (not only the parameter's).</summary>
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
                JsonValueKind.True or JsonValueKind.False => new TorchStateValue(TorchStateKind.Number, p.Value.GetBoolean() ? 1 : 0, null),
                JsonValueKind.Null => new TorchStateValue(TorchStateKind.None, 0, null),
                JsonValueKind.Array => new TorchStateValue(TorchStateKind.Tensor, 0, Floats(p.Value, where)),
                _ => throw Error(where, $"must be a number, true/false, an array of numbers or null, got {Describe(p.Value)}"),
            };
        }
        return result;
    }

    /// <summary>Named scalars of a parameter group (numbers, or bools as 1 and 0).</summary>
    private IReadOnlyDictionary<string, double> Scalars(JsonElement e, string at)
    {
        Expect(e, JsonValueKind.Object, at);
        var result = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var p in e.EnumerateObject())
        {
            string where = at + Member(p.Name);
            if (result.ContainsKey(p.Name)) throw Error(where, "appears twice");
            result[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.True => 1,
                JsonValueKind.False => 0,
                _ => Number(p.Value, where),
            };
        }
        return result;
    }

    private QuadraticLoss Loss(JsonElement e, string at, long[] sizes)
    {
        Expect(e, JsonValueKind.Object, at);
        string kind = String(Required(e, "kind", at), at + ".kind");
        if (kind != "quadratic") throw Error(at + ".kind", $"must be \"quadratic\", got \"{kind}\"");
        var a = PerTensor(Required(e, "a", at), at + ".a", sizes, nullable: false).Select(v => v!).ToList();
        var b = PerTensor(Required(e, "b", at), at + ".b", sizes, nullable: false).Select(v => v!).ToList();
        return new QuadraticLoss(a, b);
    }

    /// <summary>grad_none_at: [step, tensor] pairs, each of which must be a null gradient in <paramref name="grads"/>.</summary>
    private List<(int Step, int Tensor)> NoneAt(JsonElement e, string at, List<IReadOnlyList<float[]?>>? grads, int tensors) =>
        List(e, at, (x, p) =>
        {
            var pair = List(x, p, (y, q) => y.ValueKind == JsonValueKind.Number && y.TryGetInt32(out int k) && k >= 0 ? k
                : throw Error(q, $"must be an integer >= 0, got {Describe(y)}"));
            if (pair.Count != 2 || pair[0] < 1 || pair[1] >= tensors)
                throw Error(p, $"must be [step >= 1, tensor < {tensors}], got {Describe(x)}");
            if (grads is not null && (pair[0] > grads.Count || grads[pair[0] - 1][pair[1]] is not null))
                throw Error(p, $"says step {pair[0]} has no gradient for tensor {pair[1]}, but grads gives one");
            return (pair[0], pair[1]);
        });

    private int StepNumber(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int s) && s >= 1 ? s : throw Error(at, $"must be a step number >= 1, got {Describe(e)}");

    /// <summary>Per step, one array per tensor with its tensor's size.</summary>
    private List<IReadOnlyList<float[]>> Steps(JsonElement e, string at, long[] sizes) =>
        List(e, at, (x, p) => (IReadOnlyList<float[]>)PerTensor(x, p, sizes, nullable: false).Select(v => v!).ToList());

    private List<T> SameSteps<T>(List<T> values, string at, int steps) =>
        values.Count == steps ? values : throw Error(at, $"has {values.Count} steps, params_after_step has {steps}");

    private IReadOnlyList<T> Counted<T>(List<T> perTensor, string at, int tensors) =>
        perTensor.Count == tensors ? perTensor : throw Error(at, $"has {perTensor.Count} tensors, shapes has {tensors}");

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
