using System.CommandLine;
using System.Globalization;
using Descent.Conformance;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent check optimizers|schedules FILE.json</c>: replays trajectories recorded from PyTorch (the format of
/// docs/conformance-format.md, which the project's own fixtures use) and prints, per case, the largest deviation and
/// whether it is within the tolerance, then <c>N passed, M failed</c>.
/// </summary>
internal static class CheckCommand
{
    /// <summary>One case of a recording, ready to replay at a tolerance.</summary>
    private sealed record CheckCase(string Name, string Options, Func<double, double, ConformanceResult> Run);

    /// <summary>A loaded recording: the torch version that wrote it and its cases.</summary>
    private sealed record Loaded(string Torch, IReadOnlyList<CheckCase> Cases);

    public static Command Create(TextWriter output) =>
        new Command("check", "Verify optimizers or schedulers against trajectories recorded from PyTorch and report the largest deviation per case (file format: docs/conformance-format.md).")
        {
            Subcommand("optimizers", "Replay recorded torch.optim runs: parameters and optimizer state after every step, or (LBFGS) the loss, parameters and counters after every closure-driven step.", output, LoadOptimizers),
            Subcommand("schedules", "Replay recorded torch.optim.lr_scheduler runs (lr, momentum or beta1 before every step).", output, LoadSchedules),
        }.WithExamples(
        [
            ("descent check optimizers recording.json", "replay torch.optim runs recorded with tools/fixtures/record_optimizers.py"),
            ("descent check schedules recording.json --case \"StepLR\"", "one case of a scheduler recording"),
        ], "3 a missing or malformed recording (naming the JSON location), 5 a case does not match PyTorch");

    private static Command Subcommand(string name, string description, TextWriter output, Func<string, Loaded> load)
    {
        var file = new Argument<string>("FILE") { Description = "The recording, a JSON file as written by tools/fixtures/record_" + name + ".py" };
        var rtol = new Option<double>("--rtol")
        {
            Description = "Relative tolerance: a value passes when |Descent - torch| <= atol + rtol * |torch|",
            DefaultValueFactory = _ => ConformanceResult.DefaultRtol,
        };
        var atol = new Option<double>("--atol") { Description = "Absolute tolerance (see --rtol)", DefaultValueFactory = _ => ConformanceResult.DefaultAtol };
        var only = new Option<string[]>("--case") { Description = "Check only the case of this name (repeatable)", AllowMultipleArgumentsPerToken = false };
        var command = new Command(name, description) { file, rtol, atol, only };
        command.SetAction(parse => Run(output, parse.GetValue(file)!, parse.GetValue(rtol), parse.GetValue(atol), parse.GetValue(only) ?? [], load));
        return command;
    }

    private static int Run(TextWriter output, string path, double rtol, double atol, string[] only, Func<string, Loaded> load)
    {
        CheckTolerance("--rtol", rtol);
        CheckTolerance("--atol", atol);
        Loaded loaded;
        try { loaded = load(path); }
        catch (RecordingFormatException e) { throw new InvalidDataException(e.Message, e); }

        var cases = loaded.Cases;
        if (only.Length > 0)
        {
            foreach (var name in only.Where(n => !cases.Any(c => c.Name == n)))
                throw new CliUsageException($"invalid --case: {path} has no case named '{name}'");
            cases = cases.Where(c => only.Contains(c.Name)).ToList();
        }

        output.WriteLine($"{path}: {cases.Count} case{(cases.Count == 1 ? "" : "s")} recorded with torch {loaded.Torch}; rtol {Plain(rtol)}, atol {Plain(atol)}");
        int nameWidth = cases.Select(c => c.Name.Length).DefaultIfEmpty(0).Max();
        // Options can be long (SequentialLR with its children): the column is padded to at most 60 characters, and
        // a longer text pushes the rest of its line along.
        int optionsWidth = Math.Min(60, cases.Select(c => c.Options.Length).DefaultIfEmpty(0).Max());
        int passed = 0, failed = 0;
        foreach (var c in cases)
        {
            var result = c.Run(rtol, atol);
            if (result.Passed) passed++;
            else failed++;
            string line = $"{c.Name.PadRight(nameWidth)}  {c.Options.PadRight(optionsWidth)}  max abs {Format(result.MaxAbsoluteDeviation),-8}  " +
                          $"max rel {Format(result.MaxRelativeDeviation),-8}  {(result.Passed ? "PASS" : "FAIL  " + result.Failure)}";
            output.WriteLine(line.TrimEnd());
        }
        output.WriteLine($"{passed} passed, {failed} failed");
        return failed == 0 ? ExitCodes.Success : ExitCodes.CheckFailed;
    }

    private static Loaded LoadOptimizers(string path)
    {
        if (ClosureRecording.Recognizes(path))
        {
            var closures = ClosureRecording.Load(path);
            return new Loaded(closures.Torch, closures.Cases
                .Select(c => new CheckCase(c.Name, ClosureReplay.Describe(c), (rtol, atol) => ClosureReplay.Run(c, rtol, atol))).ToList());
        }
        var recording = OptimizerRecording.Load(path);
        return new Loaded(recording.Torch, recording.Cases
            .Select(c => new CheckCase(c.Name, OptimizerReplay.Describe(c), (rtol, atol) => OptimizerReplay.Run(c, rtol, atol))).ToList());
    }

    private static Loaded LoadSchedules(string path)
    {
        var recording = ScheduleRecording.Load(path);
        return new Loaded(recording.Torch, recording.Cases
            .Select(c => new CheckCase(c.Name, ScheduleCheck.Describe(c), (rtol, atol) => ScheduleCheck.Run(c, rtol, atol))).ToList());
    }

    private static void CheckTolerance(string option, double value)
    {
        if (!(value >= 0) || double.IsInfinity(value))
            throw new CliUsageException($"invalid {option}: must be a finite number >= 0 (got {value.ToString(CultureInfo.InvariantCulture)})");
    }

    private static string Plain(double x) => x.ToString("R", CultureInfo.InvariantCulture).Replace("E", "e", StringComparison.Ordinal);

    /// <summary>A deviation in three significant digits: "0", "1.19e-07", "inf", or "-" when the case did not run.</summary>
    private static string Format(double x) => x switch
    {
        double.NaN => "-",
        0 => "0",
        double.PositiveInfinity => "inf",
        _ => x.ToString("0.00e+00", CultureInfo.InvariantCulture),
    };
}
