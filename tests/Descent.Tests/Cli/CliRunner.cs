using Descent.Cli;

namespace Descent.Tests.Cli;

/// <summary>Runs the descent command line in-process and captures what it prints.</summary>
internal static class CliRunner
{
    public sealed record Result(int ExitCode, string Output, string Error);

    public static Result Run(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = DescentCli.Run(args, output, error);
        return new Result(code, output.ToString(), error.ToString());
    }
}
