using System.CommandLine;
using Descent.Checkpoints;
using Descent.Cli.Commands;
using Descent.Data;
using Descent.Lab.Training;
using Descent.Optim;

namespace Descent.Cli;

/// <summary>The descent command line: parses, dispatches, and turns failures into one-line reasons and exit codes.</summary>
public static class DescentCli
{
    /// <summary>Runs the command line <paramref name="args"/>, writing to <paramref name="output"/> and <paramref name="error"/>.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("Descent: train neural networks and study the optimization algorithms of deep learning.")
        {
            TrainCommand.Create(output),
            ExplainCommand.Create(output),
            ScheduleCommand.Create(output),
            CompareCommand.Create(output),
            LandscapeCommand.Create(output),
            ReportCommand.Create(output),
            CheckCommand.Create(output),
        };
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
        ArgumentException a => (ExitCodes.BadArguments, OptionMessage(a)),
        DatasetNotFoundException => (ExitCodes.BadData, OneLine(e.Message)),
        CheckpointFormatException or CheckpointWriteException => (ExitCodes.BadData, OneLine(e.Message)),
        NonFiniteGradientException => (ExitCodes.Diverged, OneLine(e.Message)),
        DataFormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException
            => (ExitCodes.BadData, OneLine(e.Message)),
        TrainingDivergedException => (ExitCodes.Diverged, e.Message),
        IOException => (ExitCodes.BadData, OneLine(e.Message)),
        _ => (ExitCodes.InternalError, $"unexpected {e.GetType().Name}: {OneLine(e.Message)}"),
    };

    private static readonly Dictionary<string, string> OptionNames = new()
    {
        ["Epochs"] = "--epochs", ["BatchSize"] = "--batch-size", ["EvalBatchSize"] = "--eval-batch-size",
        ["TrainLimit"] = "--train-limit", ["TestLimit"] = "--test-limit", ["name"] = "--problem", ["Name"] = "--optimizer",
        ["Beta1"] = "--betas", ["Beta2"] = "--betas", ["EtaMinus"] = "--opt etas", ["EtaPlus"] = "--opt etas",
    };

    /// <summary>
    /// The command-line spelling of a library argument name: "WeightDecay" and "weight_decay" are "--weight-decay";
    /// torch options without a dedicated flag are "--opt name".
    /// </summary>
    private static string? OptionFor(string? parameter)
    {
        if (parameter is null) return null;
        if (OptionNames.TryGetValue(parameter, out var known)) return known;
        string torch = string.Concat(parameter.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
        return torch switch
        {
            "lr" or "momentum" or "dampening" or "weight_decay" or "nesterov" or "betas" or "eps" or "alpha" or "rho"
                or "amsgrad" or "centered" or "maximize" => "--" + torch.Replace('_', '-'),
            _ when torch.All(c => char.IsLower(c) || c == '_' || char.IsDigit(c)) => "--opt " + torch,
            _ => null,
        };
    }

    /// <summary>An argument error from the library, told in terms of the option that carried the value.</summary>
    private static string OptionMessage(ArgumentException e)
    {
        string text = OneLine(e.Message);
        // The runtime appends " (Parameter 'x')" and "Actual value was v." to the message; keep it short.
        int cut = text.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) text = text[..cut];
        string value = e is ArgumentOutOfRangeException { ActualValue: { } actual } ? $" (got {actual})" : "";
        return OptionFor(e.ParamName) is { } option ? $"invalid {option}: {text}{value}" : text + value;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>A usage error found by a command itself (an option combination, a value out of range).</summary>
public sealed class CliUsageException(string message) : Exception(message);
