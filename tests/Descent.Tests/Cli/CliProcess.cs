using System.Diagnostics;

namespace Descent.Tests.Cli;

/// <summary>Runs the real descent command line as a child process (<c>dotnet Descent.Cli.dll ...</c>).</summary>
internal static class CliProcess
{
    /// <summary>Descent.Cli.dll, copied next to the test assembly by the project reference.</summary>
    public static string CliDll => Path.Combine(AppContext.BaseDirectory, "Descent.Cli.dll");

    public static ProcessStartInfo StartInfo(IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(CliDll);
        foreach (var a in args) info.ArgumentList.Add(a);
        return info;
    }

    /// <summary>Starts the process and collects its output asynchronously.</summary>
    public static Running Start(IEnumerable<string> args) => new(Process.Start(StartInfo(args))!);

    /// <summary>Runs to completion (or fails the test after <paramref name="timeout"/>).</summary>
    public static CliRunner.Result Run(TimeSpan timeout, params string[] args)
    {
        using var running = Start(args);
        if (!running.Process.WaitForExit(timeout))
        {
            running.Process.Kill(entireProcessTree: true);
            Assert.Fail($"descent {string.Join(' ', args)} did not finish within {timeout.TotalSeconds} s");
        }
        return running.Result();
    }

    public sealed class Running : IDisposable
    {
        private readonly Task<string> _out;
        private readonly Task<string> _err;

        public Running(Process process)
        {
            Process = process;
            _out = process.StandardOutput.ReadToEndAsync();
            _err = process.StandardError.ReadToEndAsync();
        }

        public Process Process { get; }

        public CliRunner.Result Result()
        {
            Process.WaitForExit();
            return new CliRunner.Result(Process.ExitCode, _out.Result, _err.Result);
        }

        public void Dispose()
        {
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
                Process.WaitForExit();
            }
            Process.Dispose();
        }
    }
}
