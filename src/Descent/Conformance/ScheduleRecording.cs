using System.Text;
using System.Text.Json;
using Descent.Schedules;

namespace Descent.Conformance;

/// <summary>
/// Reads a file of torch.optim.lr_scheduler values, the format of <c>descent check schedules FILE.json</c> and of the
/// project's own fixture (written by <c>tools/fixtures/record_schedules.py</c>, described in
/// <c>docs/conformance-format.md</c>). It checks the type and size of every value first, so that a malformed file is a
/// <see cref="RecordingFormatException"/> naming the path and the JSON location, then builds the
/// <see cref="ScheduleFixture"/> that <see cref="ScheduleCheck"/> and <see cref="ScheduleReplay"/> replay.
/// </summary>
public static class ScheduleRecording
{
    /// <summary>The series a case may record, each per group and per step.</summary>
    public static IReadOnlyList<string> Series { get; } = ["lr", "momentum", "beta1", "lr_after_each_step"];

    /// <summary>
    /// Reads and validates <paramref name="path"/>: a malformed file is a <see cref="RecordingFormatException"/>
    /// naming the path and the JSON location; a missing one a <see cref="FileNotFoundException"/>.
    /// </summary>
    public static ScheduleFixture Load(string path) => Parse(JsonRecordingReader.ReadFile(path), path);

    /// <summary>Parses a recording; <paramref name="path"/> only names the source in error messages.</summary>
    public static ScheduleFixture Parse(ReadOnlyMemory<byte> utf8Json, string path)
    {
        using (var doc = JsonRecordingReader.ParseDocument(utf8Json, path, maxDepth: 64))
            new ScheduleRecordingReader(path).Validate(doc.RootElement);
        return ScheduleFixture.Parse(Encoding.UTF8.GetString(utf8Json.Span), path);
    }
}

/// <summary>Checks a schedule recording against the format, with the JSON path of every value for errors.</summary>
internal sealed class ScheduleRecordingReader(string file) : JsonRecordingReader(file)
{
    public void Validate(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        String(Required(root, "torch", "$"), "$.torch");
        var names = new HashSet<string>(StringComparer.Ordinal);
        List(Required(root, "cases", "$"), "$.cases", (c, at) =>
        {
            string name = Case(c, at);
            return names.Add(name) ? name : throw Error(at + ".name", $"\"{name}\" names two cases");
        });
    }

    private string Case(JsonElement c, string at)
    {
        Expect(c, JsonValueKind.Object, at);
        string name = String(Required(c, "name", at), at + ".name");
        Scheduler(c, at);
        if (Present(c, "optimizer") is { } optimizer) String(optimizer, at + ".optimizer");

        int groups = OneOrMore(Required(c, "base_lr", at), at + ".base_lr").Length;
        if (Present(c, "base_momentum") is { } bm)
        {
            int n = OneOrMore(bm, at + ".base_momentum").Length;
            if (n != 1 && n != groups) throw Error(at + ".base_momentum", $"has {n} values, base_lr has {groups} (give one, or one per group)");
        }

        int? steps = null;
        string? first = null;
        foreach (var series in ScheduleRecording.Series)
        {
            string where;
            double[][] values;
            if (Present(c, series + "_by_group") is { } byGroup)
            {
                where = $"{at}.{series}_by_group";
                values = List(byGroup, where, Numbers).ToArray();
            }
            else if (Present(c, series) is { } single)
            {
                where = $"{at}.{series}";
                values = [Numbers(single, where)];
            }
            else continue;

            if (values.Length != groups)
                throw Error(where, groups > 1 && !where.EndsWith("_by_group", StringComparison.Ordinal)
                    ? $"holds one group, base_lr has {groups}; give \"{series}_by_group\" with one list per group"
                    : $"has {values.Length} groups, base_lr has {groups}");
            for (int g = 0; g < values.Length; g++)
            {
                string at2 = where.EndsWith("_by_group", StringComparison.Ordinal) ? $"{where}[{g}]" : where;
                if (values[g].Length == 0) throw Error(at2, "has no steps");
                steps ??= values[g].Length;
                first ??= at2;
                if (values[g].Length != steps) throw Error(at2, $"has {values[g].Length} steps, {first} has {steps}");
            }
        }
        if (steps is null)
            throw Error(at, $"records no series; give at least one of {string.Join(", ", ScheduleRecording.Series.Select(s => $"\"{s}\""))}");

        foreach (var key in new[] { "metrics", "step_epochs" })
            if (Present(c, key) is { } e && OneOrMore(e, $"{at}.{key}").Length is var n && n < steps)
                throw Error($"{at}.{key}", $"has {n} values for {steps} steps");
        return name;
    }

    /// <summary>A scheduler: the case itself, or one of SequentialLR's and ChainedScheduler's children.</summary>
    private void Scheduler(JsonElement e, string at)
    {
        Expect(e, JsonValueKind.Object, at);
        String(Required(e, "scheduler", at), at + ".scheduler");
        if (Present(e, "options") is { } options)
        {
            Expect(options, JsonValueKind.Object, at + ".options");
            foreach (var p in options.EnumerateObject())
            {
                string where = at + ".options" + Member(p.Name);
                switch (p.Value.ValueKind)
                {
                    case JsonValueKind.Number: Number(p.Value, where); break;
                    case JsonValueKind.True or JsonValueKind.False or JsonValueKind.String: break;
                    case JsonValueKind.Array: Numbers(p.Value, where); break;
                    default: throw Error(where, $"must be a number, true/false, a string or an array of numbers, got {Describe(p.Value)}");
                }
            }
        }
        if (Present(e, "lambda") is { } lambda)
        {
            if (lambda.ValueKind == JsonValueKind.Array) List(lambda, at + ".lambda", String);
            else String(lambda, at + ".lambda");
        }
        if (Present(e, "scale_fn") is { } scaleFn) String(scaleFn, at + ".scale_fn");
        if (Present(e, "schedulers") is { } children) List(children, at + ".schedulers", (child, where) => { Scheduler(child, where); return 0; });
    }

    /// <summary>
    /// A property that may be absent. Unlike <see cref="JsonRecordingReader.Optional"/>, null counts as present (and
    /// then fails its type check), as <see cref="ScheduleFixture"/> reads any value that is there.
    /// </summary>
    private static JsonElement? Present(JsonElement obj, string name) => obj.TryGetProperty(name, out var value) ? value : null;

    /// <summary>A number, or a non-empty array of numbers.</summary>
    private double[] OneOrMore(JsonElement e, string at)
    {
        if (e.ValueKind == JsonValueKind.Number) return [Number(e, at)];
        if (e.ValueKind != JsonValueKind.Array) throw Error(at, $"must be a number or an array of numbers, got {Describe(e)}");
        var values = Numbers(e, at);
        return values.Length > 0 ? values : throw Error(at, "is empty");
    }
}
