using System.Text.Json;

namespace Descent.Conformance;

/// <summary>
/// A recording of an optimizer that steps through a closure (torch.optim.LBFGS), as written by
/// tools/fixtures/record_lbfgs.py: per case an objective ("rosenbrock", or "least_squares" with its A and b), the
/// start x0, the torch options, and after every step the returned loss, the parameters and torch's n_iter and
/// func_evals counters.
/// </summary>
public sealed record ClosureRecording(string Torch, IReadOnlyList<ClosureCase> Cases)
{
    /// <summary>Reads and validates the file at <paramref name="path"/>.</summary>
    /// <exception cref="RecordingFormatException">The file is not such a recording; the message names the JSON location.</exception>
    public static ClosureRecording Load(string path)
    {
        using var doc = JsonRecordingReader.ParseDocument(JsonRecordingReader.ReadFile(path), path, maxDepth: 16);
        return new ClosureRecordingReader(path).Recording(doc.RootElement);
    }

    /// <summary>Whether the recording at <paramref name="path"/> is of this kind (its cases name an objective).</summary>
    public static bool Recognizes(string path)
    {
        try
        {
            using var doc = JsonRecordingReader.ParseDocument(JsonRecordingReader.ReadFile(path), path, maxDepth: 16);
            return doc.RootElement.ValueKind == JsonValueKind.Object && doc.RootElement.TryGetProperty("cases", out var cases)
                && cases.ValueKind == JsonValueKind.Array && cases.GetArrayLength() > 0
                && cases[0].ValueKind == JsonValueKind.Object && cases[0].TryGetProperty("objective", out _);
        }
        catch (RecordingFormatException) { return false; }
    }
}

/// <summary>One recorded closure-driven run.</summary>
public sealed record ClosureCase(
    string Name,
    string Objective,
    float[] X0,
    float[][]? A,
    float[]? B,
    IReadOnlyDictionary<string, object> Options,
    IReadOnlyList<ClosureStep> Steps);

/// <summary>What torch returned and held after one step.</summary>
public sealed record ClosureStep(double Loss, float[] Params, int Iterations, int FunctionEvaluations);

internal sealed class ClosureRecordingReader(string file) : JsonRecordingReader(file)
{
    public ClosureRecording Recording(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        string torch = String(Required(root, "torch", "$"), "$.torch");
        var cases = List(Required(root, "cases", "$"), "$.cases", Case);
        var twice = cases.GroupBy(c => c.Name).FirstOrDefault(g => g.Count() > 1);
        if (twice is not null) throw Error("$.cases", $"has two cases named \"{twice.Key}\"");
        return new ClosureRecording(torch, cases);
    }

    private ClosureCase Case(JsonElement c, string at)
    {
        Expect(c, JsonValueKind.Object, at);
        string name = String(Required(c, "name", at), at + ".name");
        string objective = String(Required(c, "objective", at), at + ".objective");
        if (objective is not ("rosenbrock" or "least_squares"))
            throw Error(at + ".objective", $"must be \"rosenbrock\" or \"least_squares\", got \"{objective}\"");
        var x0 = Floats(Required(c, "x0", at), at + ".x0");
        if (x0.Length < 2) throw Error(at + ".x0", "needs at least 2 values");
        float[][]? a = null;
        float[]? b = null;
        if (objective == "least_squares")
        {
            a = List(Required(c, "A", at), at + ".A", Floats).ToArray();
            b = Floats(Required(c, "b", at), at + ".b");
            if (a.Length != b.Length || a.Any(row => row.Length != x0.Length))
                throw Error(at + ".A", $"must be {b.Length} rows of {x0.Length} values (b has {b.Length}, x0 {x0.Length})");
        }
        var options = new Dictionary<string, object>(StringComparer.Ordinal);
        var optionsElement = Required(c, "options", at);
        Expect(optionsElement, JsonValueKind.Object, at + ".options");
        foreach (var p in optionsElement.EnumerateObject())
            options[p.Name] = p.Value.ValueKind switch
            {
                JsonValueKind.Number => Number(p.Value, at + ".options" + Member(p.Name)),
                JsonValueKind.String => p.Value.GetString()!,
                _ => throw Error(at + ".options" + Member(p.Name), $"must be a number or text, got {Describe(p.Value)}"),
            };
        var steps = List(Required(c, "steps", at), at + ".steps", (s, where) =>
        {
            Expect(s, JsonValueKind.Object, where);
            var values = Floats(Required(s, "params", where), where + ".params");
            if (values.Length != x0.Length) throw Error(where + ".params", $"has {values.Length} values, x0 has {x0.Length}");
            return new ClosureStep(Number(Required(s, "loss", where), where + ".loss"), values,
                Count(Required(s, "n_iter", where), where + ".n_iter"), Count(Required(s, "func_evals", where), where + ".func_evals"));
        });
        return new ClosureCase(name, objective, x0, a, b, options, steps);
    }

    private int Count(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetInt32(out int n) && n >= 0 ? n : throw Error(at, $"must be a count (an integer >= 0), got {Describe(e)}");
}
