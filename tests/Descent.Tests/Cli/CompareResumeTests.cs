using System.Diagnostics;
using Descent.Cli;
using Descent.Lab.Compare;
using Xunit.Abstractions;

namespace Descent.Tests.Cli;

/// <summary><c>descent compare --resume</c>: a comparison killed at random moments and resumed writes what an uninterrupted one writes.</summary>
public sealed class CompareResumeTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _runs = Directory.CreateTempSubdirectory("descent-compare-resume-").FullName;
    private readonly SyntheticMnist _data = new(trainCount: 960, testCount: 80);

    public void Dispose()
    {
        _data.Dispose();
        try { Directory.Delete(_runs, recursive: true); } catch (IOException) { }
    }

    private string[] Args(string name) =>
    [
        "compare", "--data", _data.Directory, "--runs-dir", _runs, "--name", name, "--batch-size", "40", "--epochs", "2", "--seeds", "2",
        "--optimizers", "sgd:lr=0.05; momentum:lr=0.05; cosine=sgd:lr=0.05,momentum=0.9 | cosine@step", "--checkpoint-every", "5", "--no-progress", "--threads", "1",
    ];

    private string RunPath(string name) => Path.Combine(_runs, name);

    /// <summary>Every column but the wall times: elapsed_s, and the value of the epochs' "seconds" rows.</summary>
    private static List<string> Deterministic(string runPath) =>
        RunDirectory.ReadCsv(Path.Combine(runPath, RunDirectory.CsvFile))
            .Select(r => r with { ElapsedSeconds = 0, Value = r.Metric == "seconds" ? 0 : r.Value })
            .Select(r => r.ToCsv()).ToList();

    [Fact]
    public void KilledAtRandomMomentsAndResumedTheComparisonWritesTheSameRowsAndSummary()
    {
        var reference = CliProcess.Run(Timeout, Args("reference"));
        Assert.True(reference.ExitCode == ExitCodes.Success, reference.Error);

        string csv = Path.Combine(RunPath("killed"), RunDirectory.CsvFile);
        var rng = new Random(20261201);
        int kills = 0;
        bool finished = false;
        for (int attempt = 0; attempt < 30 && kills < 5 && !finished; attempt++)
        {
            string[] args = attempt == 0 ? Args("killed") : ["compare", "--resume", RunPath("killed"), "--no-progress", "--threads", "1"];
            using var run = CliProcess.Start(args);
            var clock = Stopwatch.StartNew();
            // Wait until this process has trained a little (its metrics file grows), then kill it somewhere in what follows.
            long before = File.Exists(csv) ? new FileInfo(csv).Length : 0;
            while (!run.Process.HasExited && clock.Elapsed < Timeout && (!File.Exists(csv) || new FileInfo(csv).Length <= before)) Thread.Sleep(2);
            Thread.Sleep(rng.Next(0, 400));
            if (run.Process.HasExited)
            {
                var result = run.Result();
                Assert.True(result.ExitCode == ExitCodes.Success, result.Error);
                finished = true;
                break;
            }
            run.Process.Kill(); // SIGKILL: no handler, no flush
            run.Process.WaitForExit();
            kills++;
            log.WriteLine($"killed with {RunDirectory.ReadCsv(csv).Count} rows written");
        }
        if (!finished)
        {
            var last = CliProcess.Run(Timeout, "compare", "--resume", RunPath("killed"), "--no-progress", "--threads", "1");
            Assert.True(last.ExitCode == ExitCodes.Success, last.Error);
        }
        Assert.True(kills >= 3, $"the comparison was killed only {kills} times");

        Assert.Equal(Deterministic(RunPath("reference")), Deterministic(RunPath("killed")));
        string Table(string name) => Summary.ToText(Summary.ByOptimizer(RunDirectory.ReadCsv(Path.Combine(RunPath(name), RunDirectory.CsvFile))
            .Where(r => r.Metric != "seconds").ToList()));
        Assert.Equal(Table("reference"), Table("killed"));
        Assert.True(File.Exists(Path.Combine(RunPath("killed"), RunDirectory.ReportFile)));
        // A finished comparison keeps its runs' end markers, not their checkpoints.
        var checkpoints = Directory.GetFiles(Path.Combine(RunPath("killed"), ComparisonCheckpoints.FolderName), "*", SearchOption.AllDirectories);
        Assert.True(checkpoints.Length == 6, string.Join(", ", checkpoints.Select(Path.GetFileName)));
        Assert.All(checkpoints, f => Assert.Equal(ComparisonCheckpoints.EndFile, Path.GetFileName(f)));
    }

    [Fact]
    public void AResumeRefusesOptionsThatChangeTheExperimentNamingTheDifference()
    {
        var first = CliProcess.Run(Timeout, Args("done"));
        Assert.True(first.ExitCode == ExitCodes.Success, first.Error);
        var changed = CliRunner.Run("compare", "--resume", RunPath("done"), "--epochs", "3", "--no-progress");
        Assert.Equal(ExitCodes.BadArguments, changed.ExitCode);
        Assert.Contains("epochs: the run has 2, this command 3", changed.Error);

        // Resuming a finished comparison trains nothing and writes the same rows again.
        var rows = Deterministic(RunPath("done"));
        var again = CliRunner.Run("compare", "--resume", RunPath("done"), "--no-progress");
        Assert.True(again.ExitCode == ExitCodes.Success, again.Error);
        Assert.Contains("6 of 6 runs had ended", again.Output);
        Assert.Equal(rows, Deterministic(RunPath("done")));
    }

    [Fact]
    public void ResumeNeedsAComparisonDirectory()
    {
        string other = Path.Combine(_runs, "notes");
        Directory.CreateDirectory(other);
        File.WriteAllText(Path.Combine(other, "a.txt"), "precious");
        var r = CliRunner.Run("compare", "--resume", other, "--no-progress");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("is not a comparison's directory", r.Error);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(other, "a.txt")));
    }
}
