using Descent.Cli;
using Descent.Data;
using Descent.Lab.Compare;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab;

/// <summary>The lecture notes' first experiment, end to end on a slice of the real Fashion-MNIST.</summary>
public sealed class SeedExperimentTests : IDisposable
{
    private readonly string _runs = Path.Combine(Path.GetTempPath(), "descent-seed-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_runs)) Directory.Delete(_runs, recursive: true);
    }

    [Fact]
    public void WithTheSameRateAndBudgetMomentumReachesALowerTrainingLossThanSgd()
    {
        if (MnistFormat.MissingFiles(DatasetLocator.SystemDirectory).Count > 0)
            Assert.Fail($"Fashion-MNIST is not installed in {DatasetLocator.SystemDirectory}: run scripts/setup.sh (apt-get install dataset-fashion-mnist)");
        var r = CliRunner.Run("compare", "--problem", "fmnist-mlp", "--optimizers", "sgd:lr=0.01; momentum=sgd:lr=0.01,momentum=0.9",
            "--epochs", "2", "--seeds", "2", "--train-limit", "2000", "--test-limit", "500", "--batch-size", "64",
            "--runs-dir", _runs, "--name", "seed", "--no-progress");
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        var rows = RunDirectory.ReadCsv(Path.Combine(_runs, "seed", RunDirectory.CsvFile));
        var summary = Summary.ByOptimizer(rows).ToDictionary(s => s.Optimizer);
        Assert.Equal(2, summary["sgd"].TrainLoss.Count);
        // Every seed, not only the mean: momentum's final training loss is lower.
        var runs = Summary.Runs(rows);
        foreach (ulong seed in new ulong[] { 0, 1 })
        {
            double sgd = runs.Single(x => x.Optimizer == "sgd" && x.Seed == seed).TrainLoss;
            double momentum = runs.Single(x => x.Optimizer == "momentum" && x.Seed == seed).TrainLoss;
            Assert.True(momentum < sgd, $"seed {seed}: momentum {momentum:F4} ≥ sgd {sgd:F4}");
        }
        Assert.True(summary["momentum"].TrainLoss.Mean < summary["sgd"].TrainLoss.Mean - 0.1,
            $"momentum {summary["momentum"].TrainLoss.Mean:F4} vs sgd {summary["sgd"].TrainLoss.Mean:F4}");
        Assert.EndsWith("report.html", r.Output.TrimEnd());
    }
}
