using System.Diagnostics;
using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Lab.Locking;
using Descent.Tests.Cli;
using Descent.Tests.Data;

namespace Descent.Tests.Failure;

/// <summary>Issue 17 (5): one writer per run directory and checkpoint directory; stale locks are taken over.</summary>
public sealed class DirectoryLockTests
{
    [Fact]
    public void ASecondLockFailsNamingTheHolderAndReleaseFreesIt()
    {
        using var dir = new TempDirectory();
        using (var first = DirectoryLock.Acquire(dir.Path))
        {
            Assert.Null(first.TakeOverNote);
            var e = Assert.Throws<DirectoryLockedException>(() => DirectoryLock.Acquire(dir.Path));
            Assert.Equal(Environment.ProcessId, e.HolderPid);
            Assert.Contains($"process {Environment.ProcessId} on {Environment.MachineName}", e.Message);
        }
        Assert.False(File.Exists(Path.Combine(dir.Path, DirectoryLock.FileName)));
        using var again = DirectoryLock.Acquire(dir.Path);
        Assert.Null(again.TakeOverNote);
    }

    [Fact]
    public void AStaleLockOfADeadProcessIsTakenOverWithANote()
    {
        using var dir = new TempDirectory();
        int dead = DeadPid();
        File.WriteAllText(Path.Combine(dir.Path, DirectoryLock.FileName), $"pid={dead}\nhost={Environment.MachineName}\nstarted=2026-01-01T00:00:00Z\n");
        using var taken = DirectoryLock.Acquire(dir.Path);
        Assert.NotNull(taken.TakeOverNote);
        Assert.Contains($"process {dead}", taken.TakeOverNote);
        Assert.Contains($"pid={Environment.ProcessId}", File.ReadAllText(taken.FilePath));
    }

    [Fact]
    public void ALockFromAnotherHostIsNeverTakenOver()
    {
        using var dir = new TempDirectory();
        File.WriteAllText(Path.Combine(dir.Path, DirectoryLock.FileName), $"pid={DeadPid()}\nhost=elsewhere.example\nstarted=2026-01-01T00:00:00Z\n");
        var e = Assert.Throws<DirectoryLockedException>(() => DirectoryLock.Acquire(dir.Path));
        Assert.Equal("elsewhere.example", e.HolderHost);
    }

    [Fact]
    public void CompareIntoADirectoryHeldByAnotherWriterExitsTwoNamingTheHolder()
    {
        using var data = new SyntheticMnist(trainCount: 120, testCount: 40);
        using var runs = new TempDirectory();
        string run = Path.Combine(runs.Path, "same");
        using (DirectoryLock.Acquire(run))
        {
            var r = CliRunner.Run("compare", "--data", data.Directory, "--runs-dir", runs.Path, "--name", "same", "--force", "--optimizers", "sgd:lr=0.1",
                "--epochs", "1", "--batch-size", "40", "--no-progress", "--threads", "1");
            Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
            Assert.Contains($"is in use by process {Environment.ProcessId}", r.Error);
        }
        var after = CliRunner.Run("compare", "--data", data.Directory, "--runs-dir", runs.Path, "--name", "same", "--force", "--optimizers", "sgd:lr=0.1",
            "--epochs", "1", "--batch-size", "40", "--no-progress", "--threads", "1");
        Assert.True(after.ExitCode == ExitCodes.Success, after.Error);
        Assert.False(File.Exists(Path.Combine(run, DirectoryLock.FileName)));   // released on exit
        Assert.True(File.Exists(Path.Combine(run, RunDirectory.ReportFile)));
    }

    [Fact]
    public void TwoTrainingProcessesOnOneCheckpointDirectory()
    {
        using var data = new SyntheticMnist(trainCount: 600, testCount: 100);
        using var dir = new TempDirectory();
        string checkpoints = Path.Combine(dir.Path, "ckpt");
        string lockFile = Path.Combine(checkpoints, DirectoryLock.FileName);
        string[] Train(string epochs, string seed) =>
            ["train", "--data", data.Directory, "--lr", "0.05", "--epochs", epochs, "--batch-size", "20", "--seed", seed, "--no-progress", "--threads", "1",
             "--checkpoint-every", "5", "--checkpoint-dir", checkpoints];

        using var first = CliProcess.Start(Train("1000", "1"));
        var clock = Stopwatch.StartNew();
        while (!File.Exists(lockFile) && clock.Elapsed < TimeSpan.FromMinutes(1) && !first.Process.HasExited) Thread.Sleep(50);
        Assert.True(File.Exists(lockFile), "the first training did not take the lock");

        // The second writer fails at once, naming the holder.
        var second = CliProcess.Run(TimeSpan.FromMinutes(1), Train("1", "2"));
        Assert.Equal(ExitCodes.BadArguments, second.ExitCode);
        Assert.Contains($"is in use by process {first.Process.Id} on {Environment.MachineName}", second.Error);

        // Killed, the first leaves its lock behind; the next training takes it over and says so.
        first.Process.Kill(entireProcessTree: true);
        first.Process.WaitForExit();
        Assert.True(File.Exists(lockFile));
        var third = CliProcess.Run(TimeSpan.FromMinutes(2), Train("1", "2"));
        Assert.True(third.ExitCode == ExitCodes.Success, third.Error);
        Assert.Contains($"took over the stale lock of {checkpoints}: its holder, process {first.Process.Id}", third.Output);
        Assert.False(File.Exists(lockFile));
    }

    private static int DeadPid()
    {
        using var p = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        p.WaitForExit();
        return p.Id;
    }
}
