using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Tuning;

namespace Descent.Cli.Commands;

/// <summary><c>descent tune status</c>: the counts per state, the best trial and every trial's parameters and value.</summary>
internal static class TuneStatusCommand
{
    public static Command Create(TextWriter output)
    {
        var o = new TuneOptions();
        var json = new Option<bool>("--json") { Description = "Print JSON: {\"states\": {STATE: COUNT}, \"best\": TRIAL, \"trials\": [{number, state, params, value}]}" };
        var command = new Command("status", "Show a study's trials: counts per state (waiting, running, complete, pruned, failed), the best trial, each trial's parameters and value.")
        {
            o.Storage, o.Study, o.RunsDir, json,
        };
        command.SetAction(parse =>
        {
            string name = o.StudyOf(parse);
            var (storage, id, study) = TuneOptions.OpenStudy(o.StorageOf(parse, name), name);
            using (storage)
            {
                var trials = storage.Trials(id, withIntermediate: false);
                var best = StudyReport.Best(study, trials);
                if (parse.GetValue(json))
                {
                    var states = new JsonObject();
                    foreach (var s in Enum.GetValues<TrialState>()) states[s.Name()] = trials.Count(t => t.State == s);
                    var root = new JsonObject
                    {
                        ["study"] = name,
                        ["trials_budget"] = study.Trials,
                        ["states"] = states,
                        ["best"] = best is null ? null : Trial(best),
                        ["trials"] = new JsonArray([.. trials.Select(Trial)]),
                    };
                    output.WriteLine(root.ToJsonString(new JsonSerializerOptions { WriteIndented = true }));
                    return ExitCodes.Success;
                }
                output.WriteLine($"study {name} in {storage.DisplayUrl}: {trials.Count} of {study.Trials} trials; " +
                    string.Join(", ", Enum.GetValues<TrialState>().Select(s => $"{s.Name()} {trials.Count(t => t.State == s)}")));
                if (best is not null) output.WriteLine($"best: trial {best.Number}, {study.Objective.Metric} {V(best.Value)} ({Worker.Describe(best.Params)})");
                foreach (var t in trials)
                    output.WriteLine($"{t.Number,5}  {t.State.Name(),-8}  {V(t.Value),12}  {Worker.Describe(t.Params)}{(t.Attempt > 1 ? $"  (attempts {t.Attempt})" : "")}");
            }
            return ExitCodes.Success;
        });
        return command;
    }

    private static JsonObject Trial(TrialRecord t) => new()
    {
        ["number"] = t.Number,
        ["state"] = t.State.Name(),
        ["params"] = t.ParamsJson(),
        ["value"] = t.Value is double v && double.IsFinite(v) ? v : null,
        ["attempts"] = t.Attempt,
    };

    private static string V(double? v) => v is double d ? d.ToString("G6", CultureInfo.InvariantCulture) : "—";
}
