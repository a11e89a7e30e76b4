using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab;

/// <summary>A small finished comparison (synthetic data, 3 optimizers, 2 seeds) shared by the report tests.</summary>
public sealed class SmallRunFixture : IDisposable
{
    public SmallRunFixture()
    {
        using var data = new SyntheticMnist(trainCount: 240, testCount: 80);
        Root = Path.Combine(Path.GetTempPath(), "descent-report-" + Guid.NewGuid().ToString("N"));
        var r = CliRunner.Run("compare", "--data", data.Directory, "--runs-dir", Root, "--name", "small", "--no-progress", "--threads", "1",
            "--optimizers", "sgd:lr=0.1; momentum:lr=0.05; adam:lr=1e-3", "--epochs", "3", "--seeds", "2", "--batch-size", "40", "--landscapes", "saddle");
        if (r.ExitCode != ExitCodes.Success) throw new InvalidOperationException(r.Error);
        Directory = Path.Combine(Root, "small");
    }

    public string Root { get; }

    public string Directory { get; }

    public string ReportPath => Path.Combine(Directory, RunDirectory.ReportFile);

    public void Dispose() => System.IO.Directory.Delete(Root, recursive: true);
}
