using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Descent.Lab.Tuning;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent tune STUDY.yaml</c>: creates the study in the store (or joins it when the definition is the same),
/// runs local worker processes until the budget is spent, shows progress and writes runs/NAME/report.html and
/// trials.csv. Its subcommands add a worker, show the status and rerun the best configuration.
/// </summary>
internal static class TuneCommand
{
    public static Command Create(TextWriter output)
    {
        var o = new TuneOptions();
        var file = new Argument<string?>("STUDY") { Description = "The study file (YAML or JSON; see docs/tuning.md)", Arity = ArgumentArity.ZeroOrOne };
        var workers = new Option<int>("--workers") { Description = "Local worker processes", DefaultValueFactory = _ => 1 };
        var trials = new Option<int?>("--trials") { Description = "The study's budget of trials (overrides the file's 'trials'; a larger one extends a stored study)", HelpName = "N" };
        var command = new Command("tune", "Tune hyper-parameters: run a study's trials with a sampler (grid, random, quasi_random, tpe) and a pruner (none, median, asha, hyperband), stored in SQLite or PostgreSQL so workers on several machines share it.")
        {
            file, o.Storage, o.RunsDir, workers, trials,
            TuneWorkerCommand.Create(output), TuneStatusCommand.Create(output), TuneRerunCommand.Create(output),
        };
        foreach (var x in o.Lease) command.Options.Add(x);
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file) ?? throw new CliUsageException("a study file is required: descent tune STUDY.yaml (or a subcommand: worker, status, rerun)");
            StudyDefinition study;
            try { study = StudyFile.Load(path); }
            catch (ArgumentException e) { throw new InvalidDataException(e.Message); }
            if (parse.GetValue(trials) is int n)
            {
                if (n < 1) throw new CliUsageException($"--trials must be at least 1 (got {n})");
                study = study with { Trials = n };
            }
            int count = parse.GetValue(workers);
            if (count < 1 || count > 64) throw new CliUsageException($"--workers must be from 1 to 64 (got {count})");
            var lease = o.LeaseOf(parse);
            string url = o.StorageOf(parse, study.Name);
            using var storage = StorageUrl.Open(url);
            long id = storage.CreateOrJoin(study);
            output.WriteLine($"study {study.Name}: {study.Trials} trials of {study.Problem} ({study.Sampler} sampler, {study.Pruner} pruner) in {storage.DisplayUrl}; {count} worker(s)");
            output.Flush();

            var args = new List<string> { "tune", "worker", "--study", study.Name, "--runs-dir", parse.GetValue(o.RunsDir)!,
                "--checkpoints", o.CheckpointsOf(parse, study.Name),
                "--heartbeat", lease.Heartbeat.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
                "--grace", lease.Grace.TotalSeconds.ToString("R", CultureInfo.InvariantCulture),
                "--max-attempts", lease.MaxAttempts.ToString(CultureInfo.InvariantCulture) };
            var environment = new Dictionary<string, string> { [TuneOptions.StorageVariable] = url };   // not on the command line: ps shows it
            var processes = Enumerable.Range(0, count).Select(_ => TuneOptions.StartSelf(args, environment)).ToList();
            var overheads = new List<string>();
            foreach (var p in processes)
            {
                p.OutputDataReceived += (_, e) => { if (e.Data is { } line && line.Contains("store overhead", StringComparison.Ordinal)) lock (overheads) overheads.Add(line); };
                p.ErrorDataReceived += (_, e) => { if (e.Data is { Length: > 0 } line) lock (output) output.WriteLine($"worker {p.Id}: {line}"); };
                p.BeginOutputReadLine();
                p.BeginErrorReadLine();
            }
            string last = "";
            while (processes.Any(p => !p.HasExited))
            {
                last = Progress(output, storage, study, id, last);
                Thread.Sleep(1000);
            }
            foreach (var p in processes) p.WaitForExit();
            Progress(output, storage, study, id, last);
            foreach (var line in overheads) output.WriteLine(line);
            var all = storage.Trials(id, withIntermediate: true);
            string report = StudyReport.Write(Path.Combine(parse.GetValue(o.RunsDir)!, study.Name), study, all);
            output.WriteLine($"report      {Path.GetFullPath(report)}");
            output.WriteLine($"trials      {Path.GetFullPath(Path.Combine(Path.GetDirectoryName(report)!, "trials.csv"))}");
            int failedWorkers = processes.Count(p => p.ExitCode != 0);
            if (all.Count(t => t.State.IsFinished()) < study.Trials)
                throw new InvalidDataException($"the workers stopped with {all.Count(t => t.State.IsFinished())} of {study.Trials} trials finished ({failedWorkers} worker(s) failed); run descent tune again to continue");
            return ExitCodes.Success;
        });
        command.WithExamples(
        [
            ("descent tune study.yaml --workers 2", "run a study with two local workers; report in runs/NAME/report.html"),
            ("descent tune worker --storage postgresql://u:p@host/db --study NAME", "one more worker, on any machine"),
            ("descent tune status --study NAME --json", "trials per state and the best trial"),
            ("descent tune rerun --study NAME --seeds 10", "the best configuration with ten fresh seeds"),
        ], "3 a malformed study file or an unreachable store");
        return command;
    }

    private static string Progress(TextWriter output, IStudyStorage storage, StudyDefinition study, long id, string last)
    {
        var trials = storage.Trials(id, withIntermediate: false);
        var best = StudyReport.Best(study, trials);
        string line = $"trials {trials.Count(t => t.State.IsFinished())}/{study.Trials}: running {trials.Count(t => t.State == TrialState.Running)}, " +
            $"complete {trials.Count(t => t.State == TrialState.Complete)}, pruned {trials.Count(t => t.State == TrialState.Pruned)}, failed {trials.Count(t => t.State == TrialState.Failed)}, " +
            $"waiting {trials.Count(t => t.State == TrialState.Waiting)}" +
            (best is null ? "" : $"; best {study.Objective.Metric} {best.Value!.Value.ToString("G6", CultureInfo.InvariantCulture)} (trial {best.Number}: {Worker.Describe(best.Params)})");
        if (line != last)
        {
            output.WriteLine(line);
            output.Flush();
        }
        return line;
    }
}
