using System.Diagnostics;
using Descent.Checkpoints;
using Descent.Cli;
using Descent.Lab.Training;
using Descent.Optim;
using Descent.Tests.Checkpoints;
using Xunit.Abstractions;

namespace Descent.Tests.Cli;

/// <summary><c>descent train</c> with checkpoints: resume, kill and resume, thread counts, corrupt and unwritable files, divergence.</summary>
public sealed class CheckpointCommandTests(ITestOutputHelper log) : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-cli-ckpt-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_dir, recursive: true); } catch (IOException) { }
    }

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static string[] Train(SyntheticMnist data, params string[] more) =>
    [
        "train", "--data", data.Directory, "--optimizer", "sgd", "--lr", "0.01", "--momentum", "0.9",
        "--schedule", "onecycle:max_lr=0.05", "--batch-size", "32", "--seed", "7", "--no-progress", .. more,
    ];

    /// <summary>The epoch rows' deterministic columns: epoch, train loss, test loss, accuracy, lr.</summary>
    private static List<string> Rows(string output) => output.Split('\n')
        .Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s+\S+\s+\S+\s+\S+%"))
        .Select(l => string.Join(' ', l.Split(' ', StringSplitOptions.RemoveEmptyEntries).Take(5)))
        .ToList();

    private static HashSet<string> TemporaryFiles(string directory) =>
        Directory.Exists(directory) ? Directory.GetFiles(directory, ".ckpt-*").ToHashSet() : [];

    private static long LatestStep(string directory) =>
        new CheckpointDirectory(directory).List() is { Count: > 0 } all ? all[^1].Step : 0;

    [Fact]
    public void HelpDescribesTheCheckpointOptions()
    {
        var r = CliRunner.Run("train", "--help");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        foreach (var option in new[] { "--checkpoint-every", "--checkpoint-dir", "--keep", "--resume", "--save", "--non-finite" })
            Assert.Contains(option, r.Output);
    }

    [Fact]
    public void KilledWithSigkillAtRandomPointsAndResumedTheRunEndsBitIdentical()
    {
        using var data = new SyntheticMnist(trainCount: 600, testCount: 200);
        string[] common = [.. Train(data, "--epochs", "4", "--checkpoint-every", "5", "--keep", "2")];
        string referenceWeights = PathOf("reference.safetensors");
        var reference = CliProcess.Run(Timeout, [.. common, "--checkpoint-dir", PathOf("reference"), "--save", referenceWeights]);
        Assert.True(reference.ExitCode == 0, reference.Error);

        string directory = PathOf("killed");
        string weights = PathOf("resumed.safetensors");
        string[] resumable = [.. common, "--checkpoint-dir", directory, "--resume", "--save", weights];
        // Alternately: kill at a random moment a little after a new checkpoint appears, and kill while a checkpoint
        // is being written (its temporary file exists), the case the atomic write protects against.
        var rng = new Random(20240611);
        var killedAt = new List<long>();
        int midWrite = 0;
        for (int attempt = 0; attempt < 12 && killedAt.Count < 4; attempt++)
        {
            using var run = CliProcess.Start(resumable);
            long seen = LatestStep(directory);
            var clock = Stopwatch.StartNew();
            bool duringWrite = killedAt.Count % 2 == 1;
            if (duringWrite)
            {
                var stale = TemporaryFiles(directory);
                while (!run.Process.HasExited && clock.Elapsed < Timeout && !TemporaryFiles(directory).Except(stale).Any()) Thread.Yield();
            }
            else
            {
                while (!run.Process.HasExited && LatestStep(directory) <= seen && clock.Elapsed < Timeout) Thread.Sleep(1);
                Thread.Sleep(rng.Next(0, 40)); // somewhere in the following steps
            }
            if (run.Process.HasExited) break;
            run.Process.Kill(); // SIGKILL on Unix: no handler, no flush, no cleanup
            run.Process.WaitForExit();
            killedAt.Add(LatestStep(directory));
            int partial = Directory.GetFiles(directory, ".*").Length;
            if (partial > 0) midWrite++;
            log.WriteLine($"killed after checkpoint {killedAt[^1]}{(partial > 0 ? $", leaving {partial} partial file(s)" : "")}");
        }
        Assert.True(killedAt.Count >= 4, $"the run was killed only {killedAt.Count} times");
        Assert.True(midWrite >= 1, "no kill landed while a checkpoint was being written");

        var final = CliProcess.Run(Timeout, resumable);
        Assert.True(final.ExitCode == 0, final.Error);
        Assert.Contains("resume     from " + directory, final.Output);
        Assert.Equal(File.ReadAllBytes(referenceWeights), File.ReadAllBytes(weights));
        Assert.Equal(Rows(reference.Output), Rows(final.Output));
        Assert.Equal(4, Rows(final.Output).Count);
        Assert.Equal(2, new CheckpointDirectory(directory).List().Count);
        Assert.Empty(Directory.GetFiles(directory, ".*")); // no partial file left behind
        // The final weights parse with an independent reader, named as PyTorch names them.
        var contents = MinimalSafetensors.Read(File.ReadAllBytes(weights));
        Assert.Equal([512L, 784L], contents.Tensors["0.weight"].Shape);
    }

    [Theory]
    [InlineData("fmnist-mlp", "300")]
    [InlineData("mnist-2c2d", "96")]
    public void TheSameSeedGivesBitIdenticalWeightsWithOneAndTwoThreads(string problem, string samples)
    {
        using var data = new SyntheticMnist(trainCount: 300, testCount: 100);
        var files = new List<byte[]>();
        foreach (string threads in new[] { "1", "2" })
        {
            string weights = PathOf($"threads-{threads}.safetensors");
            var r = CliProcess.Run(Timeout, [.. Train(data, "--problem", problem, "--train-limit", samples, "--test-limit", "50",
                "--epochs", "2", "--threads", threads, "--save", weights)]);
            Assert.True(r.ExitCode == 0, r.Error);
            Assert.Contains($"{threads} threads", r.Output);
            files.Add(File.ReadAllBytes(weights));
        }
        Assert.Equal(files[0], files[1]);
    }

    [Fact]
    public void ResumingFromACheckpointInProcessGivesTheSameFileAsTheWholeRun()
    {
        using var data = new SyntheticMnist(trainCount: 200, testCount: 50);
        string directory = PathOf("c");
        var whole = CliRunner.Run([.. Train(data, "--epochs", "2", "--checkpoint-every", "3", "--keep", "100", "--checkpoint-dir", directory, "--save", PathOf("whole.safetensors"))]);
        Assert.True(whole.ExitCode == 0, whole.Error);
        Assert.Contains("checkpoint every 3 steps in " + directory + ", keeping 100", whole.Output);
        var all = new CheckpointDirectory(directory).List();
        Assert.Equal([3L, 6L, 9L, 12L, 14L], all.Select(c => c.Step));

        string csv = PathOf("resumed.csv");
        File.WriteAllText(csv, "left over from the interrupted run\n");
        var resumed = CliRunner.Run([.. Train(data, "--epochs", "2", "--resume", all[1].Path, "--save", PathOf("resumed.safetensors"), "--csv", csv)]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        var csvRows = File.ReadAllLines(csv);
        Assert.Equal(3, csvRows.Length); // header and both epochs
        Assert.StartsWith("epoch,", csvRows[0]);
        Assert.Contains($"resume     from {all[1].Path}: epoch 1, after batch 6 of 7, step 6", resumed.Output);
        Assert.Equal(File.ReadAllBytes(PathOf("whole.safetensors")), File.ReadAllBytes(PathOf("resumed.safetensors")));
        Assert.Equal(Rows(whole.Output), Rows(resumed.Output));

        var done = CliRunner.Run([.. Train(data, "--epochs", "2", "--resume", all[^1].Path)]);
        Assert.True(done.ExitCode == 0, done.Error);
        Assert.Contains("training was complete (step 14, 2 epochs)", done.Output);
    }

    [Fact]
    public void ResumeWithoutACheckpointStartsFromTheBeginning()
    {
        using var data = new SyntheticMnist(trainCount: 64, testCount: 16);
        var r = CliRunner.Run([.. Train(data, "--epochs", "1", "--checkpoint-dir", PathOf("empty"), "--resume")]);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains($"no checkpoint in {PathOf("empty")}; starting from the beginning", r.Output);
    }

    [Fact]
    public void ACorruptCheckpointIsRefusedWithExitCode3NamingTheFile()
    {
        using var data = new SyntheticMnist(trainCount: 64, testCount: 16);
        string directory = PathOf("c");
        Assert.Equal(0, CliRunner.Run([.. Train(data, "--epochs", "1", "--checkpoint-every", "1", "--checkpoint-dir", directory)]).ExitCode);
        string latest = new CheckpointDirectory(directory).Latest()!;
        var bytes = File.ReadAllBytes(latest);
        bytes[^10] ^= 0x04;
        File.WriteAllBytes(latest, bytes);

        var r = CliRunner.Run([.. Train(data, "--epochs", "1", "--checkpoint-dir", directory, "--resume")]);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.StartsWith($"descent: error: {latest}: checksum mismatch: the file is corrupt", r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));

        File.WriteAllBytes(latest, bytes[..(bytes.Length / 2)]);
        r = CliRunner.Run([.. Train(data, "--epochs", "1", "--resume", latest)]);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains($"{latest}: truncated", r.Error);
    }

    [Fact]
    public void ACheckpointOfAnotherRunIsRefusedNamingTheDifferences()
    {
        using var data = new SyntheticMnist(trainCount: 64, testCount: 16);
        string directory = PathOf("c");
        Assert.Equal(0, CliRunner.Run([.. Train(data, "--epochs", "1", "--checkpoint-every", "1", "--checkpoint-dir", directory)]).ExitCode);
        var r = CliRunner.Run("train", "--data", data.Directory, "--optimizer", "sgd", "--lr", "0.02", "--momentum", "0.9",
            "--schedule", "onecycle:max_lr=0.05", "--batch-size", "16", "--seed", "7", "--no-progress", "--epochs", "1", "--checkpoint-dir", directory, "--resume");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("was written by a run with a different configuration", r.Error);
        Assert.Contains("batch_size: the checkpoint has 32, this run 16", r.Error);
        Assert.Contains("optimizer.lr: the checkpoint has 0.01, this run 0.02", r.Error);

        var weights = CliRunner.Run([.. Train(data, "--epochs", "1", "--save", PathOf("w.safetensors"))]);
        Assert.Equal(0, weights.ExitCode);
        r = CliRunner.Run([.. Train(data, "--epochs", "1", "--resume", PathOf("w.safetensors"))]);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("weights file", r.Error);
    }

    [Fact]
    public void AnUnwritableCheckpointDirectoryFailsBeforeTraining()
    {
        using var data = new SyntheticMnist(trainCount: 64, testCount: 16);
        string file = PathOf("a-file");
        File.WriteAllText(file, "not a directory");
        string under = Path.Combine(file, "checkpoints");

        var r = CliRunner.Run([.. Train(data, "--epochs", "1", "--checkpoint-every", "1", "--checkpoint-dir", under)]);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.StartsWith($"descent: error: {under}: cannot create the directory", r.Error);
        Assert.DoesNotContain("epoch", r.Output); // training never started

        r = CliRunner.Run([.. Train(data, "--epochs", "1", "--checkpoint-every", "1", "--checkpoint-dir", file)]);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains($"{file}: is a file, not a directory", r.Error);

        r = CliRunner.Run([.. Train(data, "--epochs", "1", "--save", Path.Combine(file, "sub", "w.safetensors"))]);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains(Path.Combine(file, "sub") + ": cannot create the directory", r.Error);
        Assert.DoesNotContain("epoch", r.Output);
    }

    [Fact]
    public void DivergenceExitsWithCode4KeepingTheLastGoodCheckpoint()
    {
        using var data = new SyntheticMnist(trainCount: 200, testCount: 20);
        string directory = PathOf("c");
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "100", "--momentum", "0.9", "--epochs", "2", "--batch-size", "32",
            "--no-progress", "--checkpoint-every", "1", "--keep", "2", "--checkpoint-dir", directory);
        Assert.Equal(ExitCodes.Diverged, r.ExitCode);
        var match = System.Text.RegularExpressions.Regex.Match(r.Error, @"at epoch 1, step \d+ of 7 \(global step (\d+)\)");
        Assert.True(match.Success, r.Error);
        long step = long.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
        string last = new CheckpointDirectory(directory).Latest()!;
        Assert.EndsWith($"; the last good checkpoint is {last}", r.Error.TrimEnd());
        var checkpoint = TrainingCheckpoint.Load(last);
        Assert.Equal(step - 1, checkpoint.State.Step);
        Assert.All(checkpoint.Checkpoint.Weights, w => Assert.All(w.Value.ToFloats(), v => Assert.True(float.IsFinite(v))));

        var skip = CliRunner.Run("train", "--data", data.Directory, "--lr", "100", "--momentum", "0.9", "--epochs", "1", "--batch-size", "32",
            "--no-progress", "--non-finite", "skip");
        Assert.True(skip.ExitCode == 0, skip.Error);
    }

    [Theory]
    [InlineData("invalid --checkpoint-every", "--checkpoint-every", "0")]
    [InlineData("invalid --keep", "--keep", "0")]
    [InlineData("'ignore'", "--non-finite", "ignore")]
    public void BadCheckpointOptionsAreUsageErrors(string expected, string option, string value)
    {
        using var data = new SyntheticMnist(trainCount: 8, testCount: 4);
        var r = CliRunner.Run([.. Train(data, "--epochs", "1", "--checkpoint-dir", PathOf("c"), option, value)]);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void CheckpointFailuresMapToExitCodesAndOneLine()
    {
        Assert.Equal(ExitCodes.BadData, DescentCli.Describe(new CheckpointFormatException("/x.safetensors", "checksum mismatch")).Code);
        Assert.Equal(ExitCodes.BadData, DescentCli.Describe(new CheckpointMismatchException("/x.safetensors", "was written for a different model", ["a", "b"])).Code);
        Assert.Equal("/x.safetensors: was written for a different model: a; b", DescentCli.Describe(new CheckpointMismatchException("/x.safetensors", "was written for a different model", ["a", "b"])).Message);
        Assert.Equal(ExitCodes.BadData, DescentCli.Describe(new CheckpointWriteException("/d", "cannot create the directory")).Code);
        Assert.Equal(ExitCodes.Diverged, DescentCli.Describe(new TrainingDivergedException("x", 3, 1, "w")).Code);
        Assert.Equal(ExitCodes.Diverged, DescentCli.Describe(new NonFiniteGradientException("w", 3)).Code);
    }
}
