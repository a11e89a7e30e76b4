using System.Text.Json;

namespace Descent.Conformance;

/// <summary>Builds a <see cref="ScheduleFixture"/> while checking it, with the JSON path of every value for errors.</summary>
internal sealed class ScheduleRecordingReader(string file) : JsonRecordingReader(file)
{
    public ScheduleFixture Recording(JsonElement root)
    {
        Expect(root, JsonValueKind.Object, "$");
        string torch = String(Required(root, "torch", "$"), "$.torch");
        var names = new HashSet<string>(StringComparer.Ordinal);
        var cases = List(Required(root, "cases", "$"), "$.cases", (c, at) =>
        {
            var parsed = Case(c, at);
            if (Present(c, "name") is null)
            {
                // An unnamed case is named by its scheduler; a second one alike gets its position too.
                if (!names.Add(parsed.Name)) parsed = parsed with { Name = $"{parsed.Name} {at[1..]}" };
                names.Add(parsed.Name);
                return parsed;
            }
            return names.Add(parsed.Name) ? parsed : throw Error(at + ".name", $"\"{parsed.Name}\" names two cases");
        });
        return new ScheduleFixture(torch, cases);
    }

    private ScheduleFixtureCase Case(JsonElement c, string at)
    {
        Expect(c, JsonValueKind.Object, at);
        string? name = Present(c, "name") is { } n ? String(n, at + ".name") : null;
        var scheduler = Scheduler(c, at);
        string optimizer = Present(c, "optimizer") is { } o ? String(o, at + ".optimizer") : "SGD";

        double[] baseLrs = OneOrMore(Required(c, "base_lr", at), at + ".base_lr");
        int groups = baseLrs.Length;
        double[]? baseMomentums = null;
        if (Present(c, "base_momentum") is { } bm)
        {
            baseMomentums = OneOrMore(bm, at + ".base_momentum");
            if (baseMomentums.Length == 1 && groups > 1) baseMomentums = Enumerable.Repeat(baseMomentums[0], groups).ToArray();
            else if (baseMomentums.Length != groups)
                throw Error(at + ".base_momentum", $"has {baseMomentums.Length} values, base_lr has {groups} (give one, or one per group)");
        }

        var expected = new Dictionary<string, double[][]>(StringComparer.Ordinal);
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

            bool perGroup = where.EndsWith("_by_group", StringComparison.Ordinal);
            if (values.Length != groups)
                throw Error(where, groups > 1 && !perGroup
                    ? $"holds one group, base_lr has {groups}; give \"{series}_by_group\" with one list per group"
                    : $"has {values.Length} groups, base_lr has {groups}");
            for (int g = 0; g < values.Length; g++)
            {
                string at2 = perGroup ? $"{where}[{g}]" : where;
                if (values[g].Length == 0) throw Error(at2, "has no steps");
                steps ??= values[g].Length;
                first ??= at2;
                if (values[g].Length != steps) throw Error(at2, $"has {values[g].Length} steps, {first} has {steps}");
            }
            expected[series] = values;
        }
        if (steps is null)
            throw Error(at, $"records no series; give at least one of {string.Join(", ", ScheduleRecording.Series.Select(s => $"\"{s}\""))}");

        double[]? metrics = PerStep(c, "metrics", at, steps.Value);
        double[]? stepEpochs = PerStep(c, "step_epochs", at, steps.Value);
        var result = new ScheduleFixtureCase(name ?? "", scheduler, optimizer, baseLrs, baseMomentums, metrics, stepEpochs, expected);
        return name is null ? result with { Name = ScheduleCheck.Describe(result) } : result;
    }

    /// <summary>A scheduler: the case itself, or one of SequentialLR's and ChainedScheduler's children.</summary>
    private ScheduleFixtureScheduler Scheduler(JsonElement e, string at)
    {
        Expect(e, JsonValueKind.Object, at);
        string name = String(Required(e, "scheduler", at), at + ".scheduler");
        var options = new Dictionary<string, object>(StringComparer.Ordinal);
        if (Present(e, "options") is { } element)
        {
            Expect(element, JsonValueKind.Object, at + ".options");
            foreach (var p in element.EnumerateObject())
            {
                string where = at + ".options" + Member(p.Name);
                options[p.Name] = p.Value.ValueKind switch
                {
                    JsonValueKind.Number => Number(p.Value, where),
                    JsonValueKind.True => true,
                    JsonValueKind.False => false,
                    JsonValueKind.String => p.Value.GetString()!,
                    JsonValueKind.Array => Numbers(p.Value, where),
                    _ => throw Error(where, $"must be a number, true/false, a string or an array of numbers, got {Describe(p.Value)}"),
                };
            }
        }
        string[]? lambdas = null;
        if (Present(e, "lambda") is { } lambda)
            lambdas = lambda.ValueKind == JsonValueKind.Array ? List(lambda, at + ".lambda", String).ToArray() : [String(lambda, at + ".lambda")];
        string? scaleFn = Present(e, "scale_fn") is { } s ? String(s, at + ".scale_fn") : null;
        ScheduleFixtureScheduler[]? children = Present(e, "schedulers") is { } ch ? List(ch, at + ".schedulers", Scheduler).ToArray() : null;
        return new ScheduleFixtureScheduler(name, options, lambdas, scaleFn, children);
    }

    /// <summary>A property that may be absent; null counts as present (and then fails its type check).</summary>
    private static JsonElement? Present(JsonElement obj, string name) => obj.TryGetProperty(name, out var value) ? value : null;

    /// <summary>metrics or step_epochs: one value per step at least, or null when absent.</summary>
    private double[]? PerStep(JsonElement c, string key, string at, int steps)
    {
        if (Present(c, key) is not { } e) return null;
        var values = OneOrMore(e, $"{at}.{key}");
        return values.Length >= steps ? values : throw Error($"{at}.{key}", $"has {values.Length} values for {steps} steps");
    }

    /// <summary>A number, or a non-empty array of numbers.</summary>
    private double[] OneOrMore(JsonElement e, string at)
    {
        if (e.ValueKind == JsonValueKind.Number) return [Number(e, at)];
        if (e.ValueKind != JsonValueKind.Array) throw Error(at, $"must be a number or an array of numbers, got {Describe(e)}");
        var values = Numbers(e, at);
        return values.Length > 0 ? values : throw Error(at, "is empty");
    }
}
