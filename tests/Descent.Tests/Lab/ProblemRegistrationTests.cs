using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Nn;

namespace Descent.Tests.Lab;

public class ProblemRegistrationTests
{
    /// <summary>quadratic-deep, small, under another name.</summary>
    private sealed class SmallQuadratic(string name) : Problem, ILossOnlyProblem
    {
        private readonly QuadraticDeep _inner = new(trainSize: 64, testSize: 32);
        public override string Name => name;
        public override string Description => "a small quadratic";
        public override Module CreateModel(Rng rng) => _inner.CreateModel(rng);
        public override ProblemData LoadData(string? dataDirectory) => _inner.LoadData(dataDirectory);
        public override Descent.Tensors.Tensor Loss(Descent.Tensors.Tensor output, ReadOnlySpan<int> labels) => _inner.Loss(output, labels);
    }

    [Fact]
    public void ARegisteredProblemTrainsThroughTheTrainer()
    {
        ProblemCatalog.Register("reg-small-quadratic", () => new SmallQuadratic("reg-small-quadratic"));
        Assert.Contains("reg-small-quadratic", ProblemCatalog.Names);
        Assert.True(ProblemCatalog.Contains("REG_SMALL_QUADRATIC"));
        var problem = ProblemCatalog.Get("reg_small_quadratic");
        var trainer = new Trainer(problem, problem.LoadData(null), OptimizerSpec.Sgd(0.01), new TrainingOptions { Epochs = 2, BatchSize = 16 });
        var history = trainer.Run();
        Assert.Equal(2, history.Count);
        Assert.All(history, e => Assert.True(double.IsFinite(e.TestLoss)));
        Assert.Equal("reg-small-quadratic", RunConfig.Create(problem, OptimizerSpec.Sgd(0.01), new TrainingOptions()).Entries["problem"]);
    }

    [Theory]
    [InlineData("quadratic-deep", "built-in")]
    [InlineData("FMNIST-MLP", "not a valid problem name")]
    [InlineData("my problem", "not a valid problem name")]
    [InlineData("", "not a valid problem name")]
    public void BuiltInAndMalformedNamesAreRefused(string name, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => ProblemCatalog.Register(name, () => new SmallQuadratic(name)));
        Assert.Equal("name", e.ParamName);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void ASecondRegistrationIsRefusedAndAnUnknownNameSuggestsARegisteredOne()
    {
        ProblemCatalog.Register("reg-twice", () => new SmallQuadratic("reg-twice"));
        Assert.Contains("already registered", Assert.Throws<ArgumentException>(() => ProblemCatalog.Register("reg-twice", () => new SmallQuadratic("x"))).Message);
        Assert.Contains("did you mean 'reg-twice'", Assert.Throws<InvalidOptionException>(() => ProblemCatalog.Get("reg-twise")).Reason);
    }

    [Fact]
    public void AProblemMustCallItselfByItsRegisteredName()
    {
        ProblemCatalog.Register("reg-misnamed", () => new SmallQuadratic("something-else"));
        var e = Assert.Throws<InvalidOperationException>(() => ProblemCatalog.Get("reg-misnamed"));
        Assert.Contains("calls itself 'something-else'", e.Message);
    }
}
