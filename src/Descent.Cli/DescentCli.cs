using System.CommandLine;
using System.Globalization;
using Descent.Checkpoints;
using Descent.Cli.Commands;
using Descent.Data;
using Descent.Lab.Locking;
using Descent.Lab.Training;
using Descent.Optim;

namespace Descent.Cli;

/// <summary>The descent command line: parses, dispatches, and turns failures into one-line reasons and exit codes.</summary>
public static class DescentCli
{
    /// <summary>Runs the command line <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    /// <remarks>
    /// Everything the command prints is in the invariant culture (a point for decimals, a comma between thousands),
    /// whatever the machine's culture: the current culture is set to the invariant one while the command runs.
    /// </remarks>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var culture = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
        try { return RunInvariant(args, output, error); }
        finally { CultureInfo.CurrentCulture = culture; }
    }

    private static int RunInvariant(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            args = PluginArguments.LoadAndRemove(args);
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e);
            error.WriteLine($"descent: error: {message}");
            return code;
        }
        var root = new RootCommand("Descent: train neural networks and study the optimization algorithms of deep learning.")
        {
            TrainCommand.Create(output),
            ExplainCommand.Create(output),
            ScheduleCommand.Create(output),
            CompareCommand.Create(output),
            LandscapeCommand.Create(output),
            ReportCommand.Create(output, error),
            CheckCommand.Create(output),
            TuneCommand.Create(output),
            new Option<string[]>(PluginArguments.Flag)
            {
                Description = "Load a plugin assembly whose IDescentPlugin classes register optimizers and problems (repeatable; see docs/custom-optimizer.md)",
                Recursive = true,
            },
        };
        NumberOption.InstallOn(root);
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            error.WriteLine($"descent: error: {parse.Errors[0].Message} (see 'descent {CommandName(parse)}--help')");
            return ExitCodes.BadArguments;
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (Exception e)
        {
            var (code, message) = Describe(e);
            error.WriteLine($"descent: error: {message}");
            return code;
        }
    }

    private static string CommandName(ParseResult parse)
    {
        var names = new List<string>();
        for (var result = parse.CommandResult; result is not null && result.Command is not RootCommand; result = result.Parent as System.CommandLine.Parsing.CommandResult)
            names.Insert(0, result.Command.Name);
        return names.Count == 0 ? "" : string.Join(" ", names) + " ";
    }

    /// <summary>The exit code and one-line reason for a failure.</summary>
    internal static (int Code, string Message) Describe(Exception e) => e switch
    {
        CliUsageException => (ExitCodes.BadArguments, e.Message),
        Lab.Tuning.StudyStorageException => (ExitCodes.BadData, OneLine(e.Message)),
        DirectoryLockedException => (ExitCodes.BadArguments, OneLine(e.Message)),
        InvalidOptionException o => (ExitCodes.BadArguments, OptionMessage(o)),
        ArgumentException a => (ExitCodes.BadArguments, OneLine(InvalidOptionException.ReasonOf(a))),
        DatasetNotFoundException d => (ExitCodes.BadData, OneLine(DatasetHelp.Message(d))),
        CheckpointFormatException or CheckpointWriteException => (ExitCodes.BadData, OneLine(e.Message)),
        NonFiniteGradientException => (ExitCodes.Diverged, OneLine(e.Message)),
        DataFormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException
            => (ExitCodes.BadData, OneLine(e.Message)),
        TrainingDivergedException => (ExitCodes.Diverged, e.Message),
        IOException => (ExitCodes.BadData, OneLine(e.Message)),
        _ => (ExitCodes.InternalError, $"unexpected {e.GetType().Name}: {OneLine(e.Message)}"),
    };

    /// <summary>The optimizer keywords that have a flag of their own; the others are passed with --opt.</summary>
    private static readonly HashSet<string> OptimizerFlags =
        ["lr", "momentum", "dampening", "weight_decay", "nesterov", "betas", "eps", "alpha", "rho", "amsgrad", "centered", "maximize"];

    /// <summary>The flag that carries an option's key: "--weight-decay" for weight_decay, "--opt lr_decay" for an optimizer keyword without a flag.</summary>
    internal static string Flag(InvalidOptionException e) =>
        e.Owner is not null && !OptimizerFlags.Contains(e.Key) ? $"--opt {e.Key}" : "--" + e.Key.Replace('_', '-');

    /// <summary>"invalid --lr: must be at least 0 (got -1)".</summary>
    internal static string OptionMessage(InvalidOptionException e) =>
        $"invalid {Flag(e)}: {e.Reason}{(e.Value is null || e.Reason.Contains($"'{InvalidOptionException.Format(e.Value)}'") ? "" : $" (got {InvalidOptionException.Format(e.Value)})")}";

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>A usage error found by a command itself (an option combination, a value out of range).</summary>
public sealed class CliUsageException(string message) : Exception(message);
