using Descent.Cli;
using Descent.Data;
using Descent.Lab.Problems;
using Descent.Lab.Schedules;
using Descent.Lab.Training;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tests.Cli;

namespace Descent.Tests.Failure;

/// <summary>Issue 17 (3, 4, 11): counts bounded before output; schedules checked against the run; failures inside a step are divergences.</summary>
public sealed class RunLengthAndDivergenceTests
{
    [Fact]
    public void AOneCycleShorterThanTheRunIsRefusedBeforeTraining()
    {
        using var data = new SyntheticMnist(trainCount: 200, testCount: 50);
        var r = CliRunner.Run("train", "--data", data.Directory, "--epochs", "2", "--batch-size", "50", "--no-progress", "--threads", "1",
            "--lr", "0.1", "--schedule", "onecycle:max_lr=0.1,total_steps=3");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("total_steps=3", r.Error);
        Assert.Contains("lasts 3 steps but the run takes 8 steps (2 epochs of 4 steps)", r.Error);
        Assert.DoesNotContain("train_loss", r.Output);   // no epoch was trained
    }

    [Fact]
    public void ACompareEntryWhoseOneCycleIsTooShortIsRefusedBeforeAnyRun()
    {
        using var data = new SyntheticMnist(trainCount: 200, testCount: 50);
        using var runs = new Data.TempDirectory();
        var r = CliRunner.Run("compare", "--data", data.Directory, "--runs-dir", runs.Path, "--name", "short", "--epochs", "2", "--batch-size", "50",
            "--no-progress", "--threads", "1", "--optimizers", "sgd:lr=0.1; cyc=sgd:lr=0.1 | onecycle:max_lr=0.1,total_steps=3");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("optimizer 'cyc'", r.Error);
        Assert.False(Directory.Exists(Path.Combine(runs.Path, "short")));
    }

    [Fact]
    public void ScheduleSetNamesTheScheduleAndTheRunLength()
    {
        var p = Tensor.Zeros(1);
        p.RequiresGrad = true;
        var set = ScheduleSet.Build([ScheduleSpec.Parse("onecycle:max_lr=0.1,total_steps=10")], new Sgd([new NamedParameter("p", p)], new SgdOptions { Lr = 0.1 }), 5, 2);
        set.CheckRunLength(5, 2);   // exactly as long as the run
        var e = Assert.Throws<ArgumentException>(() => set.CheckRunLength(5, 3));
        Assert.Contains("lasts 10 steps but the run takes 15 steps (3 epochs of 5 steps)", e.Message);
    }

    [Fact]
    public void AnExceptionInsideAStepIsADivergenceNamingTheStep()
    {
        var problem = new ThrowingProblem(throwAt: 3);
        var trainer = new Trainer(problem, problem.LoadData(null), new OptimizerSpec("sgd", new Dictionary<string, object> { ["lr"] = 0.1 }),
            new TrainingOptions { Epochs = 2, BatchSize = 10, Seed = 0 });
        var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
        Assert.Equal(3, e.Step);
        Assert.Contains("global step 3", e.Message);
        Assert.Contains("overflow in the loss", e.Message);
        Assert.Equal(ExitCodes.Diverged, DescentCli.Describe(e).Code);
    }

    [Fact]
    public void AsgdRefusesNegativeLambdOnTheCommandLineBeforeTraining()
    {
        var r = CliRunner.Run("train", "--optimizer", "asgd", "--opt", "lambd=-1", "--epochs", "8");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("--opt lambd", r.Error);
        Assert.Equal("", r.Output);
    }

    [Theory]
    [InlineData("schedule", "--schedule", "cosine", "--steps", "2000000000", "--csv", "out.csv")]
    [InlineData("landscape", "--steps", "2000000000")]
    [InlineData("explain", "adam", "--steps", "2000000000")]
    public void HugeCountsAreRefusedAtOnce(params string[] args)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var r = CliRunner.Run(args);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("invalid --steps: must be from", r.Error);
        Assert.Equal("", r.Output);
        Assert.False(File.Exists("out.csv"));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void ExplainWithNegativeStepsPrintsNothingBeforeItsError()
    {
        var r = CliRunner.Run("explain", "adam", "--steps", "-1");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("invalid --steps", r.Error);
        Assert.Equal("", r.Output);
    }

    /// <summary>A tiny problem whose loss throws an arithmetic error at one training step.</summary>
    private sealed class ThrowingProblem(long throwAt) : Problem
    {
        private long _calls;

        public override string Name => "throwing";

        public override string Description => "throws at one step";

        public override Module CreateModel(Rng rng) => new Sequential(new Linear(4, 2, rng));

        public override ProblemData LoadData(string? dataDirectory) => new(Make(40), Make(10));

        public override Tensor Loss(Tensor output, ReadOnlySpan<int> labels)
        {
            if (output.RequiresGrad && ++_calls == throwAt) throw new OverflowException("overflow in the loss");
            return base.Loss(output, labels);
        }

        private static Dataset Make(int count)
        {
            var rng = new Rng(5);
            var features = new float[count * 4];
            for (int i = 0; i < features.Length; i++) features[i] = rng.NextNormal();
            return new Dataset(features, [.. Enumerable.Range(0, count).Select(i => i % 2)], 4, 2);
        }
    }
}
