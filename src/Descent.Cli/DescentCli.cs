using System.CommandLine;
using Descent.Cli.Commands;
using Descent.Data;
using Descent.Lab.Training;

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

    private static string CommandName(ParseResult parse) =>
        parse.CommandResult.Command is RootCommand ? "" : parse.CommandResult.Command.Name + " ";

    /// <summary>The exit code and one-line reason for a failure.</summary>
    internal static (int Code, string Message) Describe(Exception e) => e switch
    {
        CliUsageException => (ExitCodes.BadArguments, e.Message),
        ArgumentException a => (ExitCodes.BadArguments, OptionMessage(a)),
        DatasetNotFoundException => (ExitCodes.BadData, OneLine(e.Message)),
        DataFormatException or FileNotFoundException or DirectoryNotFoundException or InvalidDataException or UnauthorizedAccessException
            => (ExitCodes.BadData, OneLine(e.Message)),
        TrainingDivergedException => (ExitCodes.Diverged, e.Message),
        IOException => (ExitCodes.BadData, OneLine(e.Message)),
        _ => (ExitCodes.InternalError, $"unexpected {e.GetType().Name}: {OneLine(e.Message)}"),
    };

    private static readonly Dictionary<string, string> OptionNames = new()
    {
        ["Lr"] = "--lr", ["Momentum"] = "--momentum", ["Dampening"] = "--dampening", ["WeightDecay"] = "--weight-decay",
        ["Nesterov"] = "--nesterov", ["Epochs"] = "--epochs", ["BatchSize"] = "--batch-size",
        ["EvalBatchSize"] = "--eval-batch-size", ["TrainLimit"] = "--train-limit", ["TestLimit"] = "--test-limit",
        ["value"] = "--threads", ["name"] = "--problem", ["Name"] = "--optimizer",
    };

    /// <summary>An argument error from the library, told in terms of the option that carried the value.</summary>
    private static string OptionMessage(ArgumentException e)
    {
        string text = OneLine(e.Message);
        // The runtime appends " (Parameter 'x')" and "Actual value was v." to the message; keep it short.
        int cut = text.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) text = text[..cut];
        string value = e is ArgumentOutOfRangeException { ActualValue: { } actual } ? $" (got {actual})" : "";
        return e.ParamName is { } p && OptionNames.TryGetValue(p, out var option) ? $"invalid {option}: {text}{value}" : text + value;
    }

    private static string OneLine(string message) => message.ReplaceLineEndings(" ").Trim();
}

/// <summary>A usage error found by a command itself (an option combination, a value out of range).</summary>
public sealed class CliUsageException(string message) : Exception(message);
