using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab;

/// <summary>Scheduled learning as a comparison: entries with schedules, the schedules preset, YAML experiment files.</summary>
public sealed class ScheduledComparisonTests : IDisposable
{
    private readonly SyntheticMnist _data = new(trainCount: 240, testCount: 80);
    private readonly string _runs = Directory.CreateTempSubdirectory("descent-scheduled-").FullName;

    public void Dispose()
    {
        _data.Dispose();
        try { Directory.Delete(_runs, recursive: true); } catch (IOException) { }
    }

    private IReadOnlyList<MetricRow> Rows(string name) => RunDirectory.ReadCsv(Path.Combine(_runs, name, RunDirectory.CsvFile));

    [Fact]
    public void AnEntryCarriesSchedulesAfterABar()
    {
        var entries = OptimizerList.Parse("ramp=sgd:lr=0.05,momentum=0.5 | momentum=ramp:start=0.5,end=0.9@epoch | step:step_size=1,gamma=0.5; plain=sgd:lr=0.05");
        Assert.Equal(["momentum=ramp:start=0.5,end=0.9@epoch", "StepLR:step_size=1,gamma=0.5"], entries[0].Schedules.Select(s => s.ToString()));
        Assert.Empty(entries[1].Schedules);
        Assert.Equal("sgd(lr=0.05, momentum=0.5) | momentum=ramp:start=0.5,end=0.9@epoch | StepLR:step_size=1,gamma=0.5", entries[0].Describe());
        var e = Assert.Throws<ArgumentException>(() => OptimizerList.Parse("sgd:lr=0.1 | fancy:x=1"));
        Assert.Contains("invalid optimizer entry 'sgd:lr=0.1 | fancy:x=1'", e.Message);
        Assert.Contains("ramp", e.Message);  // the known schedules are listed
        Assert.Throws<ArgumentException>(() => OptimizerList.Parse("sgd:lr=0.1 |"));
        // A schedule for a hyper-parameter the optimizer does not have is refused with the entry named.
        Assert.Contains("optimizer 'adagrad'", Assert.Throws<ArgumentException>(() => OptimizerList.Parse("adagrad | momentum=ramp:start=0.5,end=0.9")).Message);
    }

    [Fact]
    public void TheSchedulesPresetComparesFixedMomentumWithRampStepCosineAndOneCycle()
    {
        var preset = Presets.Get("schedules");
        Assert.Equal(["momentum 0.9", "momentum 0.5→0.9", "step decay", "cosine", "one-cycle"], preset.Select(p => p.Label));
        Assert.Empty(preset[0].Schedules);
        Assert.All(preset.Skip(1), p => Assert.Single(p.Schedules));
        Assert.All(preset, p => Assert.Equal(0.05, (double)p.Spec.Options["lr"]));
    }

    [Fact]
    public void AScheduledComparisonRecordsAndDrawsTheLearningRateAndMomentum()
    {
        var r = CliRunner.Run("compare", "--data", _data.Directory, "--runs-dir", _runs, "--name", "s", "--batch-size", "40", "--epochs", "3",
            "--no-progress", "--threads", "1", "--optimizers",
            "fixed=sgd:lr=0.05,momentum=0.9; ramp=sgd:lr=0.05,momentum=0.5 | momentum=ramp:start=0.5,end=0.9@epoch; cosine=sgd:lr=0.05,momentum=0.9 | cosine@step");
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        var rows = Rows("s");
        double[] Epochly(string label, string metric) =>
            [.. rows.Where(x => x.Optimizer == label && x.Scope == MetricRow.EpochScope && x.Metric == metric).OrderBy(x => x.Epoch).Select(x => x.Value)];
        Assert.Equal([0.9, 0.9, 0.9, 0.9], Epochly("fixed", "momentum"));
        // The momentum each epoch trained with (the step rows): 0.5 in the first epoch up to 0.9 in the last.
        var ramp = rows.Where(x => x.Optimizer == "ramp" && x.Scope == MetricRow.StepScope && x.Metric == "momentum")
            .GroupBy(x => x.Epoch).Select(g => g.Select(x => x.Value).Distinct().Single()).ToList();
        Assert.Equal(3, ramp.Count);
        Assert.Equal(0.5, ramp[0], 12);
        Assert.Equal(0.7, ramp[1], 12);
        Assert.Equal(0.9, ramp[2], 12);
        // Per-step lr and momentum rows only for the scheduled entries; the cosine lr falls to 0 at the last step.
        Assert.DoesNotContain(rows, x => x.Optimizer == "fixed" && x.Scope == MetricRow.StepScope && x.Metric != "loss");
        var cosine = rows.Where(x => x.Optimizer == "cosine" && x.Scope == MetricRow.StepScope && x.Metric == "lr").ToList();
        Assert.Equal(18, cosine.Count);  // 240 / 40 = 6 steps × 3 epochs
        Assert.True(cosine[0].Value < 0.05 && cosine[^1].Value < 1e-12, $"{cosine[0].Value} .. {cosine[^1].Value}");

        string html = File.ReadAllText(Path.Combine(_runs, "s", RunDirectory.ReportFile));
        Assert.Contains("Learning rate per step", html);
        Assert.Contains("Momentum per step", html);

        // config.json carries the schedules, so the comparison can be repeated from it.
        var again = CliRunner.Run("compare", "--experiment", Path.Combine(_runs, "s", RunDirectory.ConfigFile), "--runs-dir", _runs, "--name", "s2", "--no-progress", "--threads", "1");
        Assert.True(again.ExitCode == ExitCodes.Success, again.Error);
        Assert.Equal(rows.Select(x => (x.Optimizer, x.Step, x.Metric, x.Metric == "seconds" ? 0 : x.Value)),
            Rows("s2").Select(x => (x.Optimizer, x.Step, x.Metric, x.Metric == "seconds" ? 0 : x.Value)));
    }

    [Fact]
    public void AYamlExperimentFileReadsLikeItsJsonTwin()
    {
        string yaml = Path.Combine(_runs, "exp.yaml");
        File.WriteAllText(yaml, $"""
            # scheduled learning, as in the lecture notes
            name: yaml-run
            problem: fmnist-mlp
            epochs: 2
            batch_size: 40
            seeds: [3, 4]
            data: "{_data.Directory}"
            optimizers:
              - "fixed=sgd:lr=0.05,momentum=0.9"
              - label: ramp
                optimizer: sgd
                options: {"{"} lr: 0.05, momentum: 0.5 {"}"}
                schedules: ["momentum=ramp:start=0.5,end=0.9@epoch"]
            """);
        var fromYaml = ExperimentFile.Load(yaml);
        Assert.Equal("yaml-run", fromYaml.Name);
        Assert.Equal([3UL, 4UL], fromYaml.Seeds);
        Assert.Equal(40, fromYaml.BatchSize);
        Assert.Equal(["fixed", "ramp"], fromYaml.Optimizers.Select(o => o.Label));
        Assert.Single(fromYaml.Optimizers[1].Schedules);
        var fromJson = ExperimentFile.Parse(fromYaml.ToJson().ToJsonString(), "other");
        Assert.Equal(fromYaml.ToJson().ToJsonString(), fromJson.ToJson().ToJsonString());

        File.WriteAllText(yaml, "problem: fmnist-mlp\nepochs: 2\nepochs: 3\n");
        Assert.Contains("epochs", Assert.Throws<ArgumentException>(() => ExperimentFile.Load(yaml)).Message);
        File.WriteAllText(yaml, "problem: [unclosed\n");
        Assert.Contains("not valid YAML at line", Assert.Throws<ArgumentException>(() => ExperimentFile.Load(yaml)).Message);

        var r = CliRunner.Run("compare", "--experiment", Path.Combine(_runs, "missing.yml"), "--runs-dir", _runs, "--no-progress");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
    }
}
