using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;
using Descent.Lab.Compare;
using Descent.Lab.Locking;
using Descent.Lab.Problems;
using Descent.Lab.Report;
using Descent.Lab.Schedules;
using Descent.Lab.Surfaces;
using Descent.Lab.Training;
using Descent.Nn;
using Descent.Threading;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent compare</c>: trains one problem with several optimizers over several seeds (same initial weights and
/// batches per seed), records everything into runs/NAME/ and writes an HTML report.
/// </summary>
internal static class CompareCommand
{
    public static Command Create(TextWriter output)
    {
        var problem = new Option<string?>("--problem") { Description = $"Problem: {string.Join(", ", ProblemCatalog.Names)} [default: fmnist-mlp]" };
        var optimizers = new Option<string?>("--optimizers")
        {
            Description = "Optimizers as \"[LABEL=]NAME[:KEY=VALUE,...][ | SCHEDULE ...]; ...\", e.g. \"sgd:lr=0.1; momentum=sgd:lr=0.05,momentum=0.9; adam:lr=1e-3\"; " +
                $"NAME: {string.Join(", ", OptimizerList.Names)}; a preset ({string.Join(", ", Presets.Names)}) may stand for several. " +
                "VALUE: a number, true/false, a pair (a,b) or a name, e.g. lookahead:lr=0.001,optimizer=adam. " +
                "Each SCHEDULE (in the --schedule syntax of descent train) drives a hyper-parameter of its entry: " +
                "\"ramp=sgd:lr=0.05,momentum=0.5 | momentum=ramp:start=0.5,end=0.9@epoch; cosine=sgd:lr=0.05,momentum=0.9 | cosine@step\"",
        };
        var preset = new Option<string?>("--preset")
        {
            Description = $"A named set of optimizers: lectures (the lecture notes' seven: sgd, momentum, nesterov, adagrad, adadelta, rmsprop, adam, with rates for fmnist-mlp) " +
                "or schedules (SGD with momentum: fixed 0.9, momentum ramped 0.5→0.9, step decay, cosine, one-cycle)",
        };
        var experimentFile = new Option<string?>("--experiment") { Description = "Read the experiment from a JSON or YAML file (a run's config.json works); options given here override it" };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue the comparison in this run directory (runs/NAME) after it was interrupted: finished runs are kept, the " +
                "interrupted run continues from its last checkpoint, the rest run as planned. Options given must match the run's experiment",
            HelpName = "DIR",
        };
        var checkpointEvery = new Option<int?>("--checkpoint-every")
        {
            Description = "Checkpoint each run every N optimizer steps [default: every epoch] into runs/NAME/checkpoints, so --resume loses at most N steps",
            HelpName = "N",
        };
        var epochs = new Option<int?>("--epochs") { Description = "Passes over the training set [default: 10]" };
        var seeds = new Option<int?>("--seeds") { Description = "Number of seeds; each optimizer runs once per seed [default: 1]" };
        var firstSeed = new Option<ulong?>("--seed") { Description = "The first seed [default: 0]: seeds are SEED, SEED+1, ..." };
        var batchSize = new Option<int?>("--batch-size") { Description = "Samples per minibatch [default: 128]" };
        var data = new Option<string?>("--data") { Description = "Directory with the MNIST-format files [default: the problem's usual locations]" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training samples" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test samples" };
        var threads = new Option<int>("--threads") { Description = "Compute threads [default: all cores]", DefaultValueFactory = _ => Environment.ProcessorCount };
        var name = new Option<string?>("--name")
        {
            Description = "Name of the run: its directory under --runs-dir [default: PROBLEM-DATE-TIME]. The directory is locked while the comparison " +
                "writes it (.descent.lock): a second comparison into it fails at once (exit 2) naming the holder",
        };
        var runsDir = new Option<string>("--runs-dir") { Description = "Directory holding the runs", DefaultValueFactory = _ => "runs" };
        var force = new Option<bool>("--force") { Description = "Replace the run directory if it exists" };
        var landscapes = new Option<string?>("--landscapes")
        {
            Description = $"Also draw the compared optimizers' paths on these 2-D functions into the report (each with the function's learning rate for its family; see docs/landscapes.md), comma-separated: {string.Join(", ", SurfaceCatalog.Names)}, or all",
        };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw progress bars" };

        var command = new Command("compare", "Compare optimizers on a problem over several seeds: same initial weights and batches per seed; writes runs/NAME/ (CSV, JSONL, config) and an HTML report.")
        {
            problem, optimizers, preset, experimentFile, resume, epochs, seeds, firstSeed, batchSize, data, trainLimit, testLimit, threads, name, runsDir, force,
            checkpointEvery, landscapes, noProgress,
        };
        command.WithExamples(
        [
            ("descent compare --preset lectures --epochs 3 --seeds 3", "the lectures' seven optimizers, three seeds each"),
            ("descent compare --preset schedules --epochs 5", "momentum fixed or ramped, step decay, cosine, one-cycle"),
            ("descent compare --optimizers \"sgd:lr=0.1; adam:lr=1e-3\" --landscapes quadratic", "two optimizers, and their paths on a 2-D quadratic"),
            ("descent compare --experiment study.yaml", "the experiment written in a YAML or JSON file"),
            ("descent compare --resume runs/NAME", "continue a comparison that was interrupted"),
        ], "3 a missing, unreadable or malformed file (an experiment file's errors name it and the key)");
        command.SetAction(parse =>
        {
            int threadCount = parse.GetValue(threads);
            if (threadCount < 1) throw new CliUsageException($"invalid --threads: must be at least 1 (got {threadCount})");
            ComputeThreads.Count = threadCount;
            string? resumePath = parse.GetValue(resume);
            if (resumePath is not null && (parse.GetValue(force) || parse.GetValue(name) is not null || parse.GetValue(experimentFile) is not null))
                throw new CliUsageException("invalid --resume: it continues the comparison in its directory; --name, --force and --experiment do not go with it");
            if (parse.GetValue(checkpointEvery) is < 1) throw new CliUsageException($"invalid --checkpoint-every: must be at least 1 (got {parse.GetValue(checkpointEvery)})");
            var experiment = BuildExperiment(parse, problem, optimizers, preset, experimentFile, resumePath, epochs, seeds, firstSeed, batchSize, data, trainLimit, testLimit, name, landscapes);
            bool interactive = !parse.GetValue(noProgress) && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
            string runsRoot = resumePath is null ? parse.GetValue(runsDir)! : Path.GetDirectoryName(Path.GetFullPath(resumePath.TrimEnd('/', '\\')))!;
            return Execute(experiment, runsRoot, parse.GetValue(force), output, interactive, CommandLine(parse), resumePath is not null, parse.GetValue(checkpointEvery));
        });
        return command;
    }

    /// <summary>
    /// Runs an experiment into its directory (or, with <paramref name="resume"/>, continues it there), prints the
    /// summary and the report's path.
    /// </summary>
    internal static int Execute(Experiment experiment, string runsRoot, bool force, TextWriter output, bool interactive, string commandLine,
        bool resume = false, int? checkpointEvery = null)
    {
        var problem = ProblemCatalog.Get(experiment.Problem);
        string runPath = Path.GetFullPath(Path.Combine(runsRoot, experiment.Name));
        if (!resume && !force && (File.Exists(runPath) || (Directory.Exists(runPath) && Directory.EnumerateFileSystemEntries(runPath).Any(e => Path.GetFileName(e) != DirectoryLock.FileName))))
            throw new CliUsageException($"the run directory {runPath} exists already; choose another --name, --resume {Display(runPath)}, or pass --force to replace it");
        var checkpoints = new ComparisonCheckpoints(runPath, checkpointEvery);

        var data = problem.LoadData(experiment.DataDirectory);
        var probe = new Trainer(problem, data, experiment.Optimizers[0].Spec, experiment.TrainingOptions(experiment.Seeds[0], experiment.Optimizers[0]));
        output.WriteLine($"problem     {problem.Name}: {problem.Description}");
        output.WriteLine($"data        {probe.Data.Train.Count} train / {probe.Data.Test.Count} test samples");
        output.WriteLine($"model       {probe.Model.ParameterCount().ToString("N0", CultureInfo.InvariantCulture)} parameters");
        output.WriteLine($"budget      {experiment.Epochs} epochs of {probe.BatchesPerEpoch} steps, batch {experiment.BatchSize}; seeds {string.Join(", ", experiment.Seeds)}; {ComputeThreads.Count} threads");
        foreach (var o in experiment.Optimizers.Where(o => o.Schedules.Count > 0))
        {
            // Every entry's schedules must last the run, checked now rather than when its turn comes.
            var scheduled = o.Spec.Create([.. probe.Model.NamedParameters()]);
            try { ScheduleSet.Build(o.Schedules, scheduled, probe.BatchesPerEpoch, experiment.Epochs).CheckRunLength(probe.BatchesPerEpoch, experiment.Epochs); }
            catch (ArgumentException e) { throw new CliUsageException($"invalid schedule of optimizer '{o.Label}': {InvalidOptionException.Describe(e)}"); }
        }
        int width = experiment.Optimizers.Max(o => o.Label.Length);
        foreach (var o in experiment.Optimizers) output.WriteLine($"optimizer   {o.Label.PadRight(width)}  {o.Describe()}");

        RunDirectory run;
        if (resume)
        {
            var keeps = Enumerable.Range(1, experiment.RunCount).Select(checkpoints.KeepsRow).ToList();
            var runIndex = RunIndex(experiment);
            run = RunDirectory.Resume(runPath, row => runIndex.TryGetValue((row.Optimizer, row.Seed), out int i) && keeps[i - 1](row));
            int ended = Enumerable.Range(1, experiment.RunCount).Count(i => checkpoints.EndOf(i) is not null);
            output.WriteLine($"resume      {ended} of {experiment.RunCount} runs had ended; continuing from the checkpoints in {Display(checkpoints.Path)}");
        }
        else
        {
            try { run = RunDirectory.Create(runsRoot, experiment.Name, force, Config(experiment, problem, commandLine)); }
            catch (RunExistsException e) { throw new CliUsageException(e.Message); }
        }
        using var held = run;   // the directory's files and lock are released on every path out of here
        output.WriteLine($"run         {Display(run.Path)}");
        if (run.Lock.TakeOverNote is { } note) output.WriteLine($"lock        {note}");
        output.WriteLine();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        IReadOnlyList<RunOutcome> outcomes;
        double trainingSeconds, reportSeconds;
        string report;
        {   // the directory stays locked until the report is written
            var runner = new ExperimentRunner(experiment, problem, data, run, checkpoints, resume);
            outcomes = CompareProgress.Show(output, interactive, experiment, probe.BatchesPerEpoch, observer => runner.Run(observer));
            trainingSeconds = clock.Elapsed.TotalSeconds;

            foreach (string surfaceName in experiment.Landscapes)
            {
                var surface = SurfaceCatalog.Get(surfaceName);
                var landscape = Landscape.Run(surface, LandscapePresets.ForComparison(surface, experiment.Optimizers), experiment.LandscapeSteps);
                var colors = HtmlReport.Colors(experiment.Optimizers.Select(o => o.Label));
                File.WriteAllText(Path.Combine(run.Path, $"landscape-{surface.Name}.svg"), landscape.ToSvg(LandscapeLayout.Both, colors));
                File.WriteAllText(Path.Combine(run.Path, $"landscape-{surface.Name}.txt"), LandscapeCommand.Header(landscape) + landscape.ToTable());
            }

            var reportClock = System.Diagnostics.Stopwatch.StartNew();
            report = HtmlReport.Write(run.Path);
            reportSeconds = reportClock.Elapsed.TotalSeconds;
        }
        var rows = RunDirectory.ReadCsv(Path.Combine(run.Path, RunDirectory.CsvFile));
        output.WriteLine();
        output.Write(Summary.ToText(Summary.ByOptimizer(rows)));
        int diverged = outcomes.Count(o => o.Diverged);
        if (diverged > 0) output.WriteLine($"{diverged} of {outcomes.Count} runs diverged (their rows stop at the step that did).");
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outcomes.Count} runs in {trainingSeconds:F1} s; report written in {reportSeconds:F2} s"));
        output.WriteLine($"data        {Display(Path.Combine(run.Path, RunDirectory.CsvFile))}, {Display(Path.Combine(run.Path, RunDirectory.JsonlFile))}");
        output.WriteLine($"report      {Display(report)}");
        return ExitCodes.Success;
    }

    /// <summary>The run index (from 1, in the order trained) of each (label, seed).</summary>
    private static Dictionary<(string Label, ulong Seed), int> RunIndex(Experiment experiment)
    {
        var result = new Dictionary<(string, ulong), int>();
        int index = 0;
        foreach (ulong seed in experiment.Seeds)
            foreach (var o in experiment.Optimizers) result[(o.Label, seed)] = ++index;
        return result;
    }

    private static Experiment BuildExperiment(ParseResult parse, Option<string?> problem, Option<string?> optimizers, Option<string?> preset, Option<string?> experimentFile,
        string? resumePath, Option<int?> epochs, Option<int?> seeds, Option<ulong?> firstSeed, Option<int?> batchSize, Option<string?> data, Option<int?> trainLimit, Option<int?> testLimit,
        Option<string?> name, Option<string?> landscapes)
    {
        Experiment? file = null;
        string? experimentSource = null;
        if (resumePath is not null)
        {
            string directory = Path.GetFullPath(resumePath.TrimEnd('/', '\\'));
            if (!RunDirectory.IsComparison(directory))
                throw new CliUsageException($"invalid --resume: {directory} is not a comparison's directory (it has no {RunDirectory.ConfigFile} written by descent compare)");
            experimentSource = Path.Combine(directory, RunDirectory.ConfigFile);
            try { file = ExperimentFile.Load(experimentSource) with { Name = Path.GetFileName(directory) }; }
            catch (ArgumentException e) { throw new InvalidDataException(Short(e)); }
        }
        else if (parse.GetValue(experimentFile) is { } path)
        {
            if (!File.Exists(path)) throw new CliUsageException($"invalid --experiment: {Path.GetFullPath(path)} does not exist");
            experimentSource = Path.GetFullPath(path);
            try { file = ExperimentFile.Load(path); }
            catch (ArgumentException e) { throw new InvalidDataException(Short(e)); }
        }

        var entries = new List<OptimizerEntry>();
        try
        {
            if (parse.GetValue(preset) is { } p) entries.AddRange(Presets.Get(p));
            if (parse.GetValue(optimizers) is { } text) entries.AddRange(OptimizerList.Parse(text));
        }
        catch (ArgumentException e) { throw new CliUsageException($"invalid {(parse.GetValue(optimizers) is null ? "--preset" : "--optimizers")}: {Short(e)}"); }
        if (entries.Count == 0 && file is null)
            throw new CliUsageException($"give the optimizers to compare: --optimizers \"sgd:lr=0.1; momentum=sgd:lr=0.05,momentum=0.9\", --preset {string.Join("|", Presets.Names)}, or --experiment FILE.json");

        string problemName = parse.GetValue(problem) ?? file?.Problem ?? "fmnist-mlp";
        ProblemCatalog.Get(problemName);  // an unknown name is an error listing the known ones
        int? seedCount = parse.GetValue(seeds);
        if (seedCount is < 1 or > Experiment.MaxSeeds) throw new CliUsageException($"invalid --seeds: must be from 1 to {Experiment.MaxSeeds} (got {seedCount})");
        if (parse.GetValue(firstSeed) is ulong first && seedCount is int count && first > ulong.MaxValue - (ulong)(count - 1))
            throw new CliUsageException($"invalid --seed: {first} + {count - 1} seeds go past the largest seed, {ulong.MaxValue}");
        IReadOnlyList<ulong> seedList = seedCount is not null || parse.GetValue(firstSeed) is not null
            ? [.. Enumerable.Range(0, seedCount ?? file?.Seeds.Count ?? 1).Select(i => (parse.GetValue(firstSeed) ?? 0) + (ulong)i)]
            : file?.Seeds ?? [0];
        IReadOnlyList<string> surfaces = file?.Landscapes ?? [];
        if (parse.GetValue(landscapes) is { } list)
        {
            var names = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
            surfaces = names.Count == 1 && names[0].Equals("all", StringComparison.OrdinalIgnoreCase) ? SurfaceCatalog.Names : names;
            try { foreach (string s in surfaces) SurfaceCatalog.Get(s); }
            catch (ArgumentException e) { throw new CliUsageException($"invalid --landscapes: {Short(e)}"); }
        }

        var experiment = new Experiment
        {
            Name = parse.GetValue(name) ?? file?.Name ?? $"{problemName}-{DateTime.Now.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture)}",
            Problem = problemName,
            Optimizers = entries.Count > 0 ? entries : file!.Optimizers,
            Epochs = parse.GetValue(epochs) ?? file?.Epochs ?? 10,
            BatchSize = parse.GetValue(batchSize) ?? file?.BatchSize ?? 128,
            EvalBatchSize = file?.EvalBatchSize ?? 1000,
            Seeds = seedList,
            TrainLimit = parse.GetValue(trainLimit) ?? file?.TrainLimit,
            TestLimit = parse.GetValue(testLimit) ?? file?.TestLimit,
            DataDirectory = parse.GetValue(data) ?? file?.DataDirectory,
            Landscapes = surfaces,
            LandscapeSteps = file?.LandscapeSteps ?? 300,
        };
        try { experiment.Validate(); }
        catch (InvalidOptionException e)
        {
            // The setting came from the command line when its flag was typed, otherwise from the experiment file.
            bool typed = parse.Tokens.Any(t => t.Value == "--" + e.Key.Replace('_', '-'));
            if (typed || experimentSource is null) throw new CliUsageException(DescentCli.OptionMessage(e));
            throw new InvalidDataException($"experiment file {experimentSource}: \"{e.Key}\" {e.Reason}{(e.Value is null ? "" : $" (got {InvalidOptionException.Format(e.Value)})")}");
        }
        if (resumePath is not null && Differences(file!, experiment) is { Count: > 0 } differences)
            throw new CliUsageException($"invalid --resume: the options given change the comparison, which a resume cannot: {string.Join("; ", differences)}");
        return experiment;
    }

    /// <summary>The settings in which <paramref name="now"/> differs from <paramref name="recorded"/>, one "key: recorded → now" each.</summary>
    private static List<string> Differences(Experiment recorded, Experiment now)
    {
        var before = recorded.ToJson();
        var after = now.ToJson();
        var result = new List<string>();
        foreach (var (key, value) in before)
        {
            string a = value?.ToJsonString() ?? "null", b = after[key]?.ToJsonString() ?? "null";
            if (a != b) result.Add($"{key}: the run has {a}, this command {b}");
        }
        return result;
    }

    private static JsonObject Config(Experiment experiment, Problem problem, string commandLine) => new()
    {
        ["format"] = RunDirectory.Format,
        ["experiment"] = experiment.ToJson(),
        ["problem_description"] = problem.Description,
        ["command"] = commandLine,
        ["started_at"] = DateTimeOffset.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
        ["environment"] = RunEnvironment.Describe(),
    };

    private static string CommandLine(ParseResult parse) =>
        "descent " + string.Join(' ', parse.Tokens.Select(t => t.Value.Any(c => char.IsWhiteSpace(c) || c is ';' or '"' or '\'') ? $"\"{t.Value.Replace("\"", "\\\"")}\"" : t.Value));

    /// <summary>A path relative to the current directory when it is below it, else absolute.</summary>
    internal static string Display(string path)
    {
        string relative = Path.GetRelativePath(Environment.CurrentDirectory, path);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : relative;
    }

    private static string Short(ArgumentException e) => InvalidOptionException.Describe(e);
}
