using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Tests.Cli;
using Descent.Tests.Data;

namespace Descent.Tests.Failure;

/// <summary>Issue 17 (10, 11): write failures name the file; resumed metrics files hold whole lines; report warns.</summary>
public sealed class DiskAndReportTests
{
    [Fact]
    public void ACsvOnAFullDeviceExitsThreeNamingTheFile()
    {
        Assert.True(File.Exists("/dev/full"), "/dev/full, Linux's always-full device, is missing");
        using var data = new SyntheticMnist(trainCount: 100, testCount: 20);
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.1", "--epochs", "1", "--batch-size", "50", "--no-progress", "--threads", "1",
            "--csv", "/dev/full");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("/dev/full", r.Error);
        Assert.DoesNotContain("unexpected", r.Error);
    }

    [Fact]
    public void ResumeRewritesMetricsFilesWithWholeLinesOnly()
    {
        using var dir = new TempDirectory();
        var config = new System.Text.Json.Nodes.JsonObject { ["format"] = RunDirectory.Format };
        var rows = Enumerable.Range(1, 3).Select(i => new MetricRow("p", "=sgd", 0, MetricRow.EpochScope, i, i * 10, "test", "loss", 1.0 / i, i)).ToList();
        using (var run = RunDirectory.Create(dir.Path, "r", force: false, config))
            foreach (var row in rows) run.Write(row);
        string path = Path.Combine(dir.Path, "r");
        // A crash mid-write: a truncated last line in both files.
        File.AppendAllText(Path.Combine(path, RunDirectory.CsvFile), "p,=sgd,0,epoch,4,40,te");
        File.AppendAllText(Path.Combine(path, RunDirectory.JsonlFile), "{\"problem\":\"p\",\"opt");
        using (RunDirectory.Resume(path, _ => true)) { }
        var jsonl = File.ReadAllLines(Path.Combine(path, RunDirectory.JsonlFile));
        Assert.Equal(3, jsonl.Length);
        foreach (string line in jsonl) System.Text.Json.JsonDocument.Parse(line).Dispose();   // every line is whole JSON
        Assert.Equal(rows, RunDirectory.ReadCsv(Path.Combine(path, RunDirectory.CsvFile)));
        Assert.EndsWith("\n", File.ReadAllText(Path.Combine(path, RunDirectory.CsvFile)));
    }

    [Fact]
    public void ReportWarnsAboutSkippedRowsAndAMissingConfig()
    {
        using var dir = new TempDirectory();
        string run = Path.Combine(dir.Path, "run");
        Directory.CreateDirectory(run);
        var row = new MetricRow("p", "sgd", 0, MetricRow.EpochScope, 1, 10, "test", "loss", 0.5, 1);
        File.WriteAllLines(Path.Combine(run, RunDirectory.CsvFile), [MetricRow.CsvHeader, row.ToCsv(), "garbage,row", row.ToCsv()[..10]]);
        var r = CliRunner.Run("report", run);
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Contains("descent: warning: ", r.Error);
        Assert.Contains("skipped 2 lines that are not a complete row", r.Error);
        Assert.Contains("config.json is missing", r.Error);
    }

    [Fact]
    public void SaveIntoAnUnwritableDirectoryFailsBeforeTraining()
    {
        using var data = new SyntheticMnist(trainCount: 100, testCount: 20);
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.1", "--epochs", "1", "--no-progress", "--threads", "1",
            "--save", "/proc/descent-cannot-write/model.safetensors");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.DoesNotContain("train_loss", r.Output);
    }
}
