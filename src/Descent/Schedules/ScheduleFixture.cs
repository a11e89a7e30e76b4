using System.Globalization;
using System.Text.Json;

namespace Descent.Schedules;

/// <summary>
/// A file of torch.optim.lr_scheduler values recorded by <c>tools/fixtures/record_schedules.py</c>; the format of
/// <c>descent check schedules FILE.json</c> (described in that script). <see cref="ScheduleReplay"/> replays a case.
/// </summary>
/// <param name="Torch">The torch version that recorded the file.</param>
/// <param name="Cases">The cases, in file order.</param>
public sealed record ScheduleFixture(string Torch, IReadOnlyList<ScheduleFixtureCase> Cases)
{
    /// <summary>Reads <paramref name="path"/>; a malformed file is an <see cref="InvalidDataException"/> naming the case and field.</summary>
    public static ScheduleFixture Load(string path) => Parse(File.ReadAllText(path), path);

    /// <summary>Parses <paramref name="json"/>; <paramref name="source"/> only names it in errors.</summary>
    public static ScheduleFixture Parse(string json, string source = "schedules.json")
    {
        JsonDocument doc;
        try { doc = JsonDocument.Parse(json); }
        catch (JsonException e) { throw new InvalidDataException($"{source}: not valid JSON: {e.Message}", e); }
        using (doc)
        {
            var root = doc.RootElement;
            string torch = Field(root, "torch", source).GetString() ?? "";
            var cases = new List<ScheduleFixtureCase>();
            foreach (var c in Field(root, "cases", source).EnumerateArray())
            {
                string name = c.TryGetProperty("name", out var n) ? n.GetString() ?? "?" : "?";
                string where = $"{source}: case '{name}'";
                try { cases.Add(ReadCase(c, name, where)); }
                catch (Exception e) when (e is InvalidOperationException or FormatException or KeyNotFoundException)
                {
                    throw new InvalidDataException($"{where}: {e.Message}", e);
                }
            }
            return new ScheduleFixture(torch, cases);
        }
    }

    private static JsonElement Field(JsonElement e, string name, string where) =>
        e.ValueKind == JsonValueKind.Object && e.TryGetProperty(name, out var v) ? v
            : throw new InvalidDataException($"{where}: missing field '{name}'");

    private static ScheduleFixtureCase ReadCase(JsonElement c, string name, string where)
    {
        var scheduler = ReadScheduler(c, where);
        double[] baseLrs = Numbers(Field(c, "base_lr", where));
        double[]? baseMomentums = c.TryGetProperty("base_momentum", out var bm) ? Numbers(bm) : null;
        if (baseMomentums is { Length: 1 } && baseLrs.Length > 1) baseMomentums = Enumerable.Repeat(baseMomentums[0], baseLrs.Length).ToArray();
        string optimizer = c.TryGetProperty("optimizer", out var o) ? o.GetString() ?? "SGD" : "SGD";
        double[]? metrics = c.TryGetProperty("metrics", out var m) ? Numbers(m) : null;
        double[]? stepEpochs = c.TryGetProperty("step_epochs", out var se) ? Numbers(se) : null;

        var expected = new Dictionary<string, double[][]>();
        foreach (var series in new[] { "lr", "momentum", "beta1", "lr_after_each_step" })
        {
            if (c.TryGetProperty(series + "_by_group", out var byGroup))
                expected[series] = byGroup.EnumerateArray().Select(Numbers).ToArray();
            else if (c.TryGetProperty(series, out var single))
                expected[series] = [Numbers(single)];
        }
        if (expected.Count == 0) throw new InvalidDataException($"{where}: no recorded series");
        foreach (var (series, groups) in expected)
            if (groups.Length != baseLrs.Length)
                throw new InvalidDataException($"{where}: '{series}' has {groups.Length} groups, base_lr has {baseLrs.Length}");
        return new ScheduleFixtureCase(name, scheduler, optimizer, baseLrs, baseMomentums, metrics, stepEpochs, expected);
    }

    private static ScheduleFixtureScheduler ReadScheduler(JsonElement e, string where)
    {
        string scheduler = Field(e, "scheduler", where).GetString() ?? throw new InvalidDataException($"{where}: 'scheduler' is not text");
        var options = new Dictionary<string, object>();
        if (e.TryGetProperty("options", out var opts))
            foreach (var p in opts.EnumerateObject()) options[p.Name] = Value(p.Value, $"{where}: option '{p.Name}'");
        string[]? lambdas = null;
        if (e.TryGetProperty("lambda", out var l))
            lambdas = l.ValueKind == JsonValueKind.Array ? l.EnumerateArray().Select(x => x.GetString()!).ToArray() : [l.GetString()!];
        string? scaleFn = e.TryGetProperty("scale_fn", out var s) ? s.GetString() : null;
        ScheduleFixtureScheduler[]? children = e.TryGetProperty("schedulers", out var ch)
            ? ch.EnumerateArray().Select(x => ReadScheduler(x, where)).ToArray()
            : null;
        return new ScheduleFixtureScheduler(scheduler, options, lambdas, scaleFn, children);
    }

    private static object Value(JsonElement v, string where) => v.ValueKind switch
    {
        JsonValueKind.Number => v.GetDouble(),
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.String => v.GetString()!,
        JsonValueKind.Array => v.EnumerateArray().Select(x => x.GetDouble()).ToArray(),
        _ => throw new InvalidDataException($"{where}: unsupported value {v.GetRawText()}"),
    };

    private static double[] Numbers(JsonElement v) => v.ValueKind == JsonValueKind.Array
        ? v.EnumerateArray().Select(x => x.GetDouble()).ToArray()
        : [v.GetDouble()];
}

/// <summary>A recorded scheduler: its torch class, options and the non-numeric arguments, by reference.</summary>
/// <param name="Name">The torch class name.</param>
/// <param name="Options">Torch keyword options: doubles, bools, text, double[].</param>
/// <param name="Lambdas">LambdaLR/MultiplicativeLR: lambda bodies (see <see cref="FixtureFunctions"/>), one or one per group.</param>
/// <param name="ScaleFn">CyclicLR: a scale_fn body (see <see cref="FixtureFunctions"/>).</param>
/// <param name="Children">SequentialLR/ChainedScheduler: the children, built in order first.</param>
public sealed record ScheduleFixtureScheduler(
    string Name,
    IReadOnlyDictionary<string, object> Options,
    IReadOnlyList<string>? Lambdas,
    string? ScaleFn,
    IReadOnlyList<ScheduleFixtureScheduler>? Children);

/// <summary>One recorded scheduler run.</summary>
/// <param name="Name">A readable name, unique in the file.</param>
/// <param name="Scheduler">The scheduler and its options.</param>
/// <param name="Optimizer">"SGD" (default) or "Adam".</param>
/// <param name="BaseLrs">The learning rate of each parameter group.</param>
/// <param name="BaseMomentums">SGD: the momentum of each group.</param>
/// <param name="Metrics">ReduceLROnPlateau: the metric passed after each step.</param>
/// <param name="StepEpochs">CosineAnnealingWarmRestarts: the fractional epoch passed after each step, if any.</param>
/// <param name="Expected">Recorded series ("lr", "momentum", "beta1", "lr_after_each_step"): per group, per step.</param>
public sealed record ScheduleFixtureCase(
    string Name,
    ScheduleFixtureScheduler Scheduler,
    string Optimizer,
    IReadOnlyList<double> BaseLrs,
    IReadOnlyList<double>? BaseMomentums,
    IReadOnlyList<double>? Metrics,
    IReadOnlyList<double>? StepEpochs,
    IReadOnlyDictionary<string, double[][]> Expected)
{
    /// <summary>The number of recorded steps.</summary>
    public int Steps => Expected.Values.First()[0].Length;

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>A short description of a value, for messages.</summary>
    internal static string Format(double v) => v.ToString("R", CultureInfo.InvariantCulture);
}
