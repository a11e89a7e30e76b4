using Descent.Lab.Compare;
using Descent.Lab.Explain;
using Descent.Lab.Training;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tests.Cli;

namespace Descent.Tests.Optim;

public class OptimizerRegistrationTests
{
    /// <summary>θ ← θ − lr·g, reading "lr" (default 0.5).</summary>
    private sealed class PlainOptions : OptimizerOptions;

    private sealed class Plain(IEnumerable<NamedParameter> parameters, double lr) : Optimizer<PlainOptions>(parameters, new PlainOptions { Lr = lr })
    {
        protected override void Update(Span<float> param, ReadOnlySpan<float> grad, PlainOptions o, ParameterState state)
        {
            for (int i = 0; i < param.Length; i++) param[i] -= (float)o.Lr * grad[i];
        }
    }

    private static Optimizer Factory(IEnumerable<NamedParameter> parameters, TorchOptions o) => new Plain(parameters, o.Number("lr", 0.5));

    private static NamedParameter Parameter(string name = "w")
    {
        var t = Tensor.FromArray([1f, 2f], 2);
        t.RequiresGrad = true;
        return new NamedParameter(name, t);
    }

    [Fact]
    public void ARegisteredOptimizerIsBuiltByNameInAnyCaseWithItsOptions()
    {
        OptimizerCatalog.Register("reg_plain", Factory, "θ ← θ − η·g");
        var p = Parameter();
        var optimizer = OptimizerCatalog.Create("REG_PLAIN", [p], new TorchOptions(new Dictionary<string, object> { ["lr"] = 0.25 }));
        p.Value.Grad = Tensor.FromArray([4f, 8f], 2);
        optimizer.Step();
        Assert.Equal([0f, 0f], p.Value.ToArray());
        Assert.Contains("reg_plain", OptimizerCatalog.Names);
        Assert.Equal("reg_plain", OptimizerCatalog.FindRegistered("Reg_Plain")?.Name);
        Assert.True(OptimizerCatalog.Contains("reg_plain"));
    }

    [Fact]
    public void ARegisteredOptimizersOptionsAreCheckedAsTheBuiltInsAre()
    {
        OptimizerCatalog.Register("reg_checked", Factory);
        var unknown = Assert.Throws<InvalidOptionException>(() =>
            OptimizerCatalog.Create("reg_checked", [Parameter()], new TorchOptions(new Dictionary<string, object> { ["momentum"] = 0.9 })));
        Assert.Equal(("momentum", "reg_checked"), (unknown.Key, unknown.Owner));
        Assert.Contains("its options: lr", unknown.Reason);
        var negative = Assert.Throws<InvalidOptionException>(() =>
            OptimizerCatalog.Create("reg_checked", [Parameter()], new TorchOptions(new Dictionary<string, object> { ["lr"] = -1.0 })));
        Assert.Equal(("lr", "reg_checked", (object?)(-1.0)), (negative.Key, negative.Owner, negative.Value));
    }

    [Theory]
    [InlineData("sgd", "built-in")]
    [InlineData("AdamW", "built-in")]
    [InlineData("momentum", "reserved")]
    [InlineData("lectures", "reserved")]
    [InlineData("2fast", "not a valid optimizer name")]
    [InlineData("my opt", "not a valid optimizer name")]
    [InlineData("a:b", "not a valid optimizer name")]
    [InlineData("", "not a valid optimizer name")]
    public void BuiltInReservedAndMalformedNamesAreRefused(string name, string reason)
    {
        var e = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Register(name, Factory));
        Assert.Equal("name", e.ParamName);
        Assert.Contains(reason, e.Message);
    }

    [Fact]
    public void ASecondRegistrationOfANameInAnyCaseIsRefused()
    {
        OptimizerCatalog.Register("reg_twice", Factory);
        var e = Assert.Throws<ArgumentException>(() => OptimizerCatalog.Register("REG_TWICE", Factory));
        Assert.Contains("already registered", e.Message);
        Assert.Single(OptimizerCatalog.Registered, r => r.Name.Equals("reg_twice", StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void ConcurrentRegistrationsAllLandAndARaceForOneNameHasOneWinner()
    {
        var names = Enumerable.Range(0, 64).Select(i => $"reg_parallel_{i}").ToList();
        Parallel.ForEach(names, name => OptimizerCatalog.Register(name, Factory));
        Assert.All(names, n => Assert.True(OptimizerCatalog.Contains(n)));

        int wins = 0;
        Parallel.For(0, 16, _ =>
        {
            try { OptimizerCatalog.Register("reg_contested", Factory); Interlocked.Increment(ref wins); }
            catch (ArgumentException) { }
        });
        Assert.Equal(1, wins);
    }

    [Fact]
    public void NullArgumentsAreRefusedByName()
    {
        Assert.Equal("name", Assert.Throws<ArgumentNullException>(() => OptimizerCatalog.Register(null!, Factory)).ParamName);
        Assert.Equal("factory", Assert.Throws<ArgumentNullException>(() => OptimizerCatalog.Register("reg_null", null!)).ParamName);
    }

    [Fact]
    public void ARegisteredNameWorksInSpecsListsExplanationsAndSuggestions()
    {
        OptimizerCatalog.Register("reg_lab", Factory, "θ ← θ − η·g (registered)");
        Assert.IsType<Plain>(new OptimizerSpec("reg_lab", new Dictionary<string, object> { ["lr"] = 0.1 }).Validate());

        var entries = OptimizerList.Parse("reg_lab:lr=0.1; fast=reg_lab:lr=1");
        Assert.Equal(["reg_lab", "fast"], entries.Select(e => e.Label));
        Assert.Contains("reg_lab", OptimizerList.Names);
        var typo = Assert.Throws<ArgumentException>(() => OptimizerList.Parse("reg_lob:lr=0.1"));
        Assert.Contains("did you mean 'reg_lab'", typo.Message);
        var create = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("reg_lob", [Parameter()], TorchOptions.Empty));
        Assert.Contains("did you mean 'reg_lab'", create.Reason);

        Assert.Equal("θ ← θ − η·g (registered)", OptimizerExplanations.Find("REG_LAB")?.Rule);
        var explain = CliRunner.Run("explain", "reg_lab", "--steps", "1");
        Assert.True(explain.ExitCode == 0, explain.Error);
        Assert.Contains("θ ← θ − η·g (registered)", explain.Output);
        Assert.Contains("step   1", explain.Output);
    }

    [Fact]
    public void AFactoryThatReturnsNullIsAnErrorNamingTheOptimizer()
    {
        OptimizerCatalog.Register("reg_null_factory", (_, _) => null!);
        var e = Assert.Throws<InvalidOperationException>(() => OptimizerCatalog.Create("reg_null_factory", [Parameter()], TorchOptions.Empty));
        Assert.Contains("reg_null_factory", e.Message);
    }
}
