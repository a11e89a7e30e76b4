using Descent.Lab.Compare;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab;

public sealed class ExperimentRunnerTests : IDisposable
{
    private readonly SyntheticMnist _data = new(trainCount: 300, testCount: 100);
    private readonly string _runs = Path.Combine(Path.GetTempPath(), "descent-runs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _data.Dispose();
        if (Directory.Exists(_runs)) Directory.Delete(_runs, recursive: true);
    }

    private static Problem Problem() => new MnistFormatLogReg(fashion: true);

    private Experiment Experiment(string optimizers, int epochs = 2, params ulong[] seeds) => new()
    {
        Name = "t", Problem = "fmnist-logreg", Optimizers = OptimizerList.Parse(optimizers), Epochs = epochs, BatchSize = 50,
        Seeds = seeds.Length == 0 ? [0] : seeds, DataDirectory = _data.Directory,
    };

    [Fact]
    public void TrainersWithTheSameSeedStartFromTheSameWeightsAndSeeTheSameBatchesWhateverTheOptimizer()
    {
        var problem = new MnistFormatMlp("fmnist-mlp", "synthetic", 32);
        var data = problem.LoadData(_data.Directory);
        (float[] Weights, ulong Batches) Run(OptimizerSpec spec, ulong seed)
        {
            var trainer = new Trainer(problem, data, spec, new TrainingOptions { Epochs = 2, BatchSize = 32, Seed = seed });
            float[] initial = [.. trainer.Model.NamedParameters().SelectMany(p => p.Value.ToArray())];
            ulong labels = 14695981039346656037UL;
            trainer.Run(new TrainingCallbacks
            {
                OnStep = (_, step) => { foreach (int label in step.Labels.Span) labels = (labels ^ (uint)label) * 1099511628211UL; },
            });
            return (initial, labels);
        }
        var sgd = Run(OptimizerSpec.Sgd(0.1), 5);
        var adam = Run(new OptimizerSpec("adam", new Dictionary<string, object> { ["lr"] = 1e-3 }), 5);
        var adagrad = Run(new OptimizerSpec("adagrad", new Dictionary<string, object> { ["lr"] = 0.01 }), 5);
        Assert.Equal(sgd.Weights, adam.Weights);
        Assert.Equal(sgd.Weights, adagrad.Weights);
        Assert.Equal(sgd.Batches, adam.Batches);
        Assert.Equal(sgd.Batches, adagrad.Batches);
        var otherSeed = Run(OptimizerSpec.Sgd(0.1), 6);
        Assert.NotEqual(sgd.Weights, otherSeed.Weights);
        Assert.NotEqual(sgd.Batches, otherSeed.Batches);
    }

    [Fact]
    public void RecordsEveryStepAndEpochOfEveryRunInLongForm()
    {
        var problem = Problem();
        var sink = new MemorySink();
        var experiment = Experiment("sgd:lr=0.1; momentum:lr=0.1", epochs: 2, 0, 1);
        var outcomes = new ExperimentRunner(experiment, problem, problem.LoadData(_data.Directory), sink).Run();
        Assert.Equal(4, outcomes.Count);
        Assert.Equal([("sgd", 0UL), ("momentum", 0UL), ("sgd", 1UL), ("momentum", 1UL)], outcomes.Select(o => (o.Run.Label, o.Run.Seed)));
        foreach (var run in sink.Rows.GroupBy(r => (r.Optimizer, r.Seed)))
        {
            var steps = run.Where(r => r.Scope == "step").ToList();
            Assert.Equal(Enumerable.Range(1, 12).Select(i => (long)i), steps.Select(r => r.Step));  // 300 samples / 50 = 6 steps × 2 epochs
            Assert.All(steps, r => Assert.True(r.Metric == "loss" && r.Split == "train" && double.IsFinite(r.Value)));
            var epochs = run.Where(r => r.Scope == "epoch").ToList();
            Assert.Equal(["test/loss", "test/accuracy", "/lr", "/momentum"], epochs.Where(r => r.Epoch == 0).Select(r => $"{r.Split}/{r.Metric}"));
            Assert.Equal(["train/loss", "train/accuracy", "test/loss", "test/accuracy", "/lr", "/momentum", "train/seconds"], epochs.Where(r => r.Epoch == 2).Select(r => $"{r.Split}/{r.Metric}"));
            Assert.True(run.Select(r => r.ElapsedSeconds).Zip(run.Skip(1).Select(r => r.ElapsedSeconds)).All(p => p.First <= p.Second));
            Assert.All(run, r => Assert.Equal("fmnist-logreg", r.Problem));
        }
        // The epoch's train loss is the mean of its steps' losses (equal batch sizes).
        var sgd0 = sink.Rows.Where(r => r.Optimizer == "sgd" && r.Seed == 0).ToList();
        double meanOfSteps = sgd0.Where(r => r.Scope == "step" && r.Epoch == 1).Average(r => r.Value);
        Assert.Equal(meanOfSteps, sgd0.Single(r => r.Scope == "epoch" && r.Epoch == 1 && r.Split == "train" && r.Metric == "loss").Value, 6);
        // Same start: every optimizer has the same test loss before training.
        var initial = sink.Rows.Where(r => r.Epoch == 0 && r.Metric == "loss" && r.Seed == 0).Select(r => r.Value).Distinct();
        Assert.Single(initial);
    }

    [Fact]
    public void AProblemWithoutClassesRecordsLossesOnlyAndItsReportHasNoAccuracy()
    {
        var problem = new QuadraticDeep(trainSize: 128, testSize: 64);
        var sink = new MemorySink();
        var experiment = new Experiment { Name = "q", Problem = problem.Name, Optimizers = OptimizerList.Parse("sgd:lr=0.01; adam:lr=0.01"), Epochs = 2, BatchSize = 32 };
        new ExperimentRunner(experiment, problem, problem.LoadData(null), sink).Run();
        Assert.DoesNotContain(sink.Rows, r => r.Metric == "accuracy");
        // Per run: epoch 0 test loss, lr and momentum (β₁ for Adam); then train loss, test loss, lr, momentum and seconds per epoch.
        Assert.Equal(2 * (3 + 2 * 5), sink.Rows.Count(r => r.Scope == "epoch"));
        string text = Summary.ToText(Summary.ByOptimizer(sink.Rows));
        Assert.DoesNotContain("acc", text);
        string html = Descent.Lab.Report.HtmlReport.Build(new Descent.Lab.Report.RunData("q", null, sink.Rows, []));
        Assert.Equal(6, System.Text.RegularExpressions.Regex.Matches(html, "<svg xmlns=").Count);  // the 3 loss charts, against progress and against wall-clock time
        Assert.DoesNotContain("accuracy (%)", html);
    }

    [Fact]
    public void ADivergingRunIsRecordedAndTheOthersGoOn()
    {
        var problem = Problem();
        var sink = new MemorySink();
        var outcomes = new ExperimentRunner(Experiment("wild=sgd:lr=1e38; sgd:lr=0.1", epochs: 2), problem, problem.LoadData(_data.Directory), sink).Run();
        Assert.True(outcomes[0].Diverged);
        Assert.False(outcomes[1].Diverged);
        var diverged = Assert.Single(sink.Rows, r => r.Metric == "diverged");
        Assert.Equal("wild", diverged.Optimizer);
        var summary = Summary.ByOptimizer(sink.Rows);
        Assert.Equal(1, summary[0].DivergedSeeds);
        Assert.Equal(0, summary[0].TestLoss.Count);
        Assert.Contains("diverged", Summary.ToText(summary));
    }

    [Fact]
    public void ACrashMidRunLeavesTheRowsAlreadyWrittenIntactAndReadable()
    {
        var problem = Problem();
        var experiment = Experiment("sgd:lr=0.1; adam:lr=0.01", epochs: 3);
        var tee = new TeeSink();
        using (var run = RunDirectory.Create(_runs, "crash", force: false))
        {
            tee.Inner = run;
            var runner = new ExperimentRunner(experiment, problem, problem.LoadData(_data.Directory), tee);
            Assert.Throws<InvalidOperationException>(() => runner.Run(new CrashAt("adam", epoch: 2)));
            // Read while the files are still open, as after a kill: the flushed rows are there.
            var rows = RunDirectory.ReadCsv(Path.Combine(run.Path, RunDirectory.CsvFile));
            Assert.Equal(tee.Written.Count, rows.Count);
            Assert.Equal(tee.Written, rows.Select(r => r with { ElapsedSeconds = 0 }), new RowComparer());
            var jsonl = File.ReadAllLines(Path.Combine(run.Path, RunDirectory.JsonlFile));
            Assert.Equal(rows.Count, jsonl.Length);
            Assert.All(jsonl, line => System.Text.Json.JsonDocument.Parse(line).Dispose());
        }
        // A torn last line (the process killed mid-write) is skipped; the rows before it are kept.
        string csv = Path.Combine(_runs, "crash", RunDirectory.CsvFile);
        int complete = RunDirectory.ReadCsv(csv).Count;
        File.AppendAllText(csv, "fmnist-logreg,adam,0,step,2,9,tra");
        Assert.Equal(complete, RunDirectory.ReadCsv(csv).Count);
    }

    [Fact]
    public void AnExistingRunDirectoryIsNeverReplacedWithoutForceAndForceDeletesOnlyWhatDescentWrote()
    {
        using (var run = RunDirectory.Create(_runs, "exists", force: false))
        {
            run.WriteConfig(new System.Text.Json.Nodes.JsonObject { ["format"] = RunDirectory.Format });
            run.Write(new MetricRow("p", "sgd", 0, "step", 1, 1, "train", "loss", 1, 0));
        }
        File.WriteAllText(Path.Combine(_runs, "exists", "keep.txt"), "precious");
        var e = Assert.Throws<RunExistsException>(() => RunDirectory.Create(_runs, "exists", force: false));
        Assert.Contains("--force", e.Message);
        Assert.True(File.Exists(Path.Combine(_runs, "exists", "keep.txt")));
        using (RunDirectory.Create(_runs, "exists", force: true)) { }
        Assert.Equal("precious", File.ReadAllText(Path.Combine(_runs, "exists", "keep.txt")));
        Assert.False(File.Exists(Path.Combine(_runs, "exists", RunDirectory.ConfigFile)));
        Assert.Empty(RunDirectory.ReadCsv(Path.Combine(_runs, "exists", RunDirectory.CsvFile)));
    }

    [Fact]
    public void ForceNeverTouchesADirectoryThatIsNotAComparison()
    {
        string docs = Path.Combine(_runs, "docs");
        Directory.CreateDirectory(docs);
        File.WriteAllText(Path.Combine(docs, "a.txt"), "precious");
        File.WriteAllText(Path.Combine(docs, RunDirectory.ConfigFile), "{\"format\": \"something else\"}");
        var e = Assert.Throws<RunExistsException>(() => RunDirectory.Create(_runs, "docs", force: true));
        Assert.Contains("is not a comparison's directory", e.Message);
        Assert.Equal("precious", File.ReadAllText(Path.Combine(docs, "a.txt")));
        Assert.True(File.Exists(Path.Combine(docs, RunDirectory.ConfigFile)));
    }

    [Fact]
    public void CsvRowsRoundTripIncludingQuotesAndNonFiniteValues()
    {
        var rows = new[]
        {
            new MetricRow("p", "adam(lr=0.01, betas=(0.9,0.99))", 3, "epoch", 1, 10, "test", "loss", 0.1 + 0.2, 1.5),
            new MetricRow("p", "say \"hi\"", 18446744073709551615, "step", 2, 3, "train", "loss", double.NaN, 0),
            new MetricRow("p", "x", 0, "epoch", 0, 0, "", "lr", double.PositiveInfinity, 0),
        };
        foreach (var row in rows) Assert.Equal(row, MetricRow.ParseCsv(row.ToCsv())!, new RowComparer());
        Assert.Null(MetricRow.ParseCsv("p,x,0,epoch,0,0,,lr"));
        Assert.Null(MetricRow.ParseCsv("p,\"x,0,epoch,0,0,,lr,1,0"));
        Assert.Contains("\"value\":null", rows[1].ToJson());
    }

    private sealed class RowComparer : IEqualityComparer<MetricRow>
    {
        public bool Equals(MetricRow? a, MetricRow? b) => a is not null && b is not null && a with { ElapsedSeconds = 0, Value = 0 } == b with { ElapsedSeconds = 0, Value = 0 }
            && (a.Value.Equals(b.Value));
        public int GetHashCode(MetricRow r) => r.Step.GetHashCode();
    }

    private sealed class TeeSink : IMetricSink
    {
        public IMetricSink? Inner { get; set; }
        public List<MetricRow> Written { get; } = [];
        public void Write(MetricRow row)
        {
            Inner!.Write(row);
            Written.Add(row with { ElapsedSeconds = 0 });
        }
    }

    private sealed class CrashAt(string label, int epoch) : ICompareObserver
    {
        public void StepDone(RunInfo run, int e, int batch, double loss)
        {
            if (run.Label == label && e == epoch && batch == 3) throw new InvalidOperationException("simulated crash");
        }
    }
}
