using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

/// <summary>What every optimizer gets from the base class: state dicts by name, non-finite policy, clipping, averaging.</summary>
public class OptimizerBaseTests
{
    [Fact]
    public void StateDictRoundTripsByNameAndResumesIdentically()
    {
        var a = Param("a", 1f, 2f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        Grad(a, 1f, -1f); sgd.Step();
        var saved = sgd.StateDict();
        var weights = a.Value.ToArray();
        Assert.Equal(1, saved.Steps["a"]);
        Assert.True(saved.Buffers.ContainsKey("a.momentum_buffer"));

        Grad(a, 0.5f, 0.5f); sgd.Step();
        var expected = a.Value.ToArray();

        var b = Param("a", weights);
        var restored = new Sgd([b], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        restored.LoadStateDict(saved);
        Grad(b, 0.5f, 0.5f); restored.Step();
        Assert.Equal(expected, b.Value.ToArray());
    }

    [Fact]
    public void LoadingStateForAnUnknownParameterNamesIt()
    {
        var sgd = new Sgd([Param("a", 1f)], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        var other = new Sgd([Param("b", 1f)], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        other.ParamGroups[0].Parameters[0].Value.Grad = Tensor.FromArray([1f], 1);
        other.Step();
        var e = Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(other.StateDict()));
        Assert.Contains("'b'", e.Message);
    }

    [Fact]
    public void LoadingStateOfTheWrongShapeNamesTheEntry()
    {
        var small = Param("w", 1f);
        var sgd = new Sgd([small], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        Grad(small, 1f); sgd.Step();
        var big = new Sgd([Param("w", 1f, 2f)], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        var e = Assert.Throws<ArgumentException>(() => big.LoadStateDict(sgd.StateDict()));
        Assert.Contains("w.momentum_buffer", e.Message);
    }

    [Fact]
    public void NonFiniteGradientThrowsNamingParameterAndStepAndUpdatesNothing()
    {
        var a = Param("a", 1f);
        var b = Param("b", 1f);
        var sgd = new Sgd([a, b], new SgdOptions { Lr = 0.1 });
        Grad(a, 1f); Grad(b, float.NaN);
        var e = Assert.Throws<NonFiniteGradientException>(() => sgd.Step());
        Assert.Equal("b", e.Parameter);
        Assert.Equal(1, e.Step);
        Assert.Equal(1f, a.Value[0]);
    }

    [Fact]
    public void OfSeveralNonFiniteGradientsTheFirstParameterIsNamed()
    {
        var a = Param("a", 1f);
        var b = Param("b", 1f);
        var c = Param("c", 1f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 0.1 });
        sgd.AddParamGroup([b, c]);
        Grad(a, 1f); Grad(b, float.PositiveInfinity); Grad(c, float.NaN);
        Assert.Equal("b", Assert.Throws<NonFiniteGradientException>(() => sgd.Step()).Parameter);
    }

    [Fact]
    public void NonFiniteValuesAnywhereInALargeGradientAreFound()
    {
        foreach (int at in new[] { 0, 300_000, 400_000 })
        {
            var big = new NamedParameter("big", Tensor.Zeros(400_001));
            big.Value.RequiresGrad = true;
            var sgd = new Sgd([big], new SgdOptions { Lr = 0.1 });
            var g = Tensor.Zeros(400_001);
            g[at] = float.NegativeInfinity;
            big.Value.Grad = g;
            Assert.Throws<NonFiniteGradientException>(() => sgd.Step());
        }
    }

    [Fact]
    public void SkipStepPolicySkipsTheWholeStep()
    {
        var a = Param("a", 1f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 0.1 }) { NonFinitePolicy = NonFinitePolicy.SkipStep };
        Grad(a, float.PositiveInfinity);
        sgd.Step();
        Assert.Equal(1f, a.Value[0]);
        Assert.Equal(1, sgd.SkippedSteps);
        Assert.Equal(0, sgd.StepCount);
    }

    [Fact]
    public void PropagatePolicyLetsNaNThrough()
    {
        var a = Param("a", 1f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 0.1 }) { NonFinitePolicy = NonFinitePolicy.Propagate };
        Grad(a, float.NaN);
        sgd.Step();
        Assert.True(float.IsNaN(a.Value[0]));
    }

    [Fact]
    public void ClippingByNormScalesAllGradientsTogether()
    {
        var a = Param("a", 0f, 0f);
        var b = Param("b", 0f);
        var sgd = new Sgd([a, b], new SgdOptions { Lr = 1 }) { Clipping = GradientClipping.ByNorm(1.0) };
        Grad(a, 3f, 0f); Grad(b, 4f);
        sgd.Step();
        Assert.Equal(5.0, sgd.LastGradientNorm, 6);
        Assert.Equal(-3f / (5f + 1e-6f), a.Value[0], 5);
        Assert.Equal(-4f / (5f + 1e-6f), b.Value[0], 5);
    }

    [Fact]
    public void ClippingByValueClampsEachElement()
    {
        var a = Param("a", 0f, 0f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 1 }) { Clipping = GradientClipping.ByValue(0.5) };
        Grad(a, 3f, -0.25f);
        sgd.Step();
        Assert.Equal([-0.5f, 0.25f], a.Value.ToArray());
    }

    [Fact]
    public void ClippingRejectsNonPositiveBounds()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByNorm(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => GradientClipping.ByValue(-1));
    }

    [Fact]
    public void WeightAverageFollowsTheExponentialRecurrenceAndSwaps()
    {
        var a = Param("a", 0f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 1 }) { Average = new WeightAverage(0.5) };
        Grad(a, -2f); sgd.Step();              // θ = 2, average starts at 2
        Grad(a, -2f); sgd.Step();              // θ = 4, average = 0.5·2 + 0.5·4 = 3
        Assert.Equal(3f, sgd.Average!["a"][0]);
        sgd.Average.SwapInto(sgd);
        Assert.Equal(3f, a.Value[0]);
        sgd.Average.SwapInto(sgd);
        Assert.Equal(4f, a.Value[0]);
        Assert.Throws<ArgumentOutOfRangeException>(() => new WeightAverage(1.0));
    }

    [Fact]
    public void CatalogBuildsFromTorchNamesAndRejectsUnknownOptions()
    {
        var sgd = OptimizerCatalog.Create("sgd", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object> { ["lr"] = 0.1, ["momentum"] = 0.9, ["nesterov"] = true }));
        Assert.IsType<Sgd>(sgd);
        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("SGD", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object> { ["lr"] = 0.1, ["betas"] = new[] { 0.9, 0.99 } })));
        Assert.Contains("'betas'", e.Message);
        Assert.Contains("momentum", e.Message);
        var unknown = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("Adamm", [Param("a", 1f)], TorchOptions.Empty));
        Assert.Contains("known optimizers", unknown.Message);
        Assert.Equal("optimizer", unknown.Key);
        Assert.Equal("Adamm", unknown.Value);
        Assert.Contains("did you mean 'Adam'?", unknown.Reason);
        // Errors from the options classes come back under their torch keyword with the optimizer named.
        var betas = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("Adam", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object> { ["betas"] = new[] { 1.5, 0.999 } })));
        Assert.Equal(("betas", "Adam"), (betas.Key, betas.Owner));
        Assert.Equal(new[] { 1.5, 0.999 }, (double[])betas.Value!);
        var decay = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("Adagrad", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object> { ["lr_decay"] = -1.0 })));
        Assert.Equal("lr_decay", decay.Key);
        Assert.DoesNotContain("Parameter", decay.Message);
    }
}
