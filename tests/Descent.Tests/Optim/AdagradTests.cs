using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class AdagradTests
{
    // --- the formula, by hand ----------------------------------------------------------------------------------

    [Fact]
    public void FirstTwoStepsFollowTheFormula()
    {
        // G1 = 0.1 + 4, θ1 = 1 − 0.1·2/(√G1 + ε); G2 = G1 + 1, clr2 = 0.1/(1 + 0.5), θ2 = θ1 − clr2·1/(√G2 + ε)
        var p = Param("w", 1f);
        var adagrad = new Adagrad([p], new AdagradOptions { Lr = 0.1, LrDecay = 0.5, InitialAccumulatorValue = 0.1, Eps = 1e-3 });
        Grad(p, 2f);
        adagrad.Step();
        double g1 = 0.1 + 4, theta1 = 1 - 0.1 * 2 / (Math.Sqrt(g1) + 1e-3);
        Assert.Equal(theta1, p.Value[0], 6);
        Assert.Equal(g1, adagrad.StateOf("w").Buffers["sum"][0], 6);
        Grad(p, 1f);
        adagrad.Step();
        double g2 = g1 + 1, theta2 = theta1 - 0.1 / 1.5 * 1 / (Math.Sqrt(g2) + 1e-3);
        Assert.Equal(theta2, p.Value[0], 6);
        Assert.Equal(2, adagrad.StateOf("w").Step);
    }

    [Fact]
    public void WeightDecayAndMaximizeChangeTheGradientAsTorchDoes()
    {
        // g ← −g, then g ← g + λθ: g = −2 + 0.5·3 = −0.5; G = 0.25; θ = 3 − 0.1·(−0.5)/(0.5 + ε)
        var p = Param("w", 3f);
        var adagrad = new Adagrad([p], new AdagradOptions { Lr = 0.1, WeightDecay = 0.5, Maximize = true, Eps = 0 });
        Grad(p, 2f);
        adagrad.Step();
        Assert.Equal(3 + 0.1, p.Value[0], 6);
        Assert.Equal(0.25f, adagrad.StateOf("w").Buffers["sum"][0]);
    }

    [Fact]
    public void TheSumExistsFromConstructionAsInTorch()
    {
        // torch.optim.Adagrad fills state["sum"] with initial_accumulator_value (and step 0) in its constructor.
        var adagrad = new Adagrad([Param("a", 1f, 2f), Param("b", 3f)], new AdagradOptions { InitialAccumulatorValue = 0.25 });
        var dict = adagrad.StateDict();
        Assert.Equal(0, dict.Steps["a"]);
        Assert.Equal([0.25f, 0.25f], dict.Buffers["a.sum"].ToArray());
        Assert.Equal([0.25f], dict.Buffers["b.sum"].ToArray());
    }

    [Fact]
    public void DefaultsAreTorchs()
    {
        var o = new AdagradOptions();
        Assert.Equal((1e-2, 0.0, 0.0, 0.0, 1e-10, false, EpsilonPlacement.OutsideSqrt),
            (o.Lr, o.LrDecay, o.WeightDecay, o.InitialAccumulatorValue, o.Eps, o.Maximize, o.EpsilonPlacement));
    }

    [Fact]
    public void CatalogReadsTorchNames()
    {
        var adagrad = (Adagrad)OptimizerCatalog.Create("Adagrad", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.5, ["lr_decay"] = 0.1, ["weight_decay"] = 0.2, ["initial_accumulator_value"] = 0.3, ["eps"] = 1e-4, ["maximize"] = true,
        }));
        var o = adagrad.Defaults;
        Assert.Equal((0.5, 0.1, 0.2, 0.3, 1e-4, true), (o.Lr, o.LrDecay, o.WeightDecay, o.InitialAccumulatorValue, o.Eps, o.Maximize));
        var defaults = ((Adagrad)OptimizerCatalog.Create("Adagrad", [Param("b", 1f)], TorchOptions.Empty)).Defaults;
        Assert.Equal((1e-2, 1e-10), (defaults.Lr, defaults.Eps));
    }

    // --- validation, one rule per test -------------------------------------------------------------------------

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", -0.1, () => new Adagrad([Param("a", 1f)], new AdagradOptions { Lr = -0.1 }));
    [Fact] public void NegativeLrDecayIsRejected() => AssertRejects("LrDecay", -1.0, () => new Adagrad([Param("a", 1f)], new AdagradOptions { LrDecay = -1 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", -1.0, () => new Adagrad([Param("a", 1f)], new AdagradOptions { WeightDecay = -1 }));
    [Fact] public void NegativeEpsIsRejected() => AssertRejects("Eps", -1e-10, () => new Adagrad([Param("a", 1f)], new AdagradOptions { Eps = -1e-10 }));
    [Fact]
    public void NegativeInitialAccumulatorValueIsRejected() =>
        AssertRejects("InitialAccumulatorValue", -0.5, () => new Adagrad([Param("a", 1f)], new AdagradOptions { InitialAccumulatorValue = -0.5 }));
    [Fact] public void NaNLearningRateIsRejected() => AssertRejects("Lr", double.NaN, () => new AdagradOptions { Lr = double.NaN });

    // --- the textbook form: ε inside the square root ----------------------------------------------------------

    private static float[] Run(AdagradOptions options, int steps)
    {
        var theta = Param("theta", 1f, -2f, 0.5f, 3f);
        var adagrad = new Adagrad([theta], options);
        float[] curvature = [1f, 10f, 0.1f, 3f];
        for (int t = 0; t < steps; t++)
        {
            var g = new float[4];
            for (int i = 0; i < 4; i++) g[i] = curvature[i] * theta.Value[i];
            Grad(theta, g);
            adagrad.Step();
        }
        return theta.Value.ToArray();
    }

    [Fact]
    public void EpsInsideTheRootFollowsTheTextbookFormula()
    {
        // θ1 = θ0 − η g/√(G + ε) against PyTorch's θ0 − η g/(√G + ε), with a large ε to separate them.
        var inside = Param("w", 1f);
        var a = new Adagrad([inside], new AdagradOptions { Lr = 0.1, Eps = 1, EpsilonPlacement = EpsilonPlacement.InsideSqrt });
        var outside = Param("w", 1f);
        var b = new Adagrad([outside], new AdagradOptions { Lr = 0.1, Eps = 1 });
        Grad(inside, 2f); a.Step();
        Grad(outside, 2f); b.Step();
        Assert.Equal(1 - 0.1 * 2 / Math.Sqrt(4 + 1), inside.Value[0], 6);
        Assert.Equal(1 - 0.1 * 2 / (2 + 1.0), outside.Value[0], 6);
    }

    [Fact]
    public void EpsInsideTheRootIsPyTorchsFormWithEpsMovedIntoTheInitialAccumulator()
    {
        // √(G₀ + Σg² + ε) = √((G₀ + ε) + Σg²): the textbook form is PyTorch's with initial_accumulator_value
        // G₀ + ε and ε = 0.
        var textbook = Run(new AdagradOptions { Lr = 0.1, Eps = 0.01, InitialAccumulatorValue = 0.1, EpsilonPlacement = EpsilonPlacement.InsideSqrt }, 50);
        var torch = Run(new AdagradOptions { Lr = 0.1, Eps = 0, InitialAccumulatorValue = 0.1 + 0.01 }, 50);
        for (int i = 0; i < torch.Length; i++) Assert.Equal(torch[i], textbook[i], 5);
        var torchWithEps = Run(new AdagradOptions { Lr = 0.1, Eps = 0.01, InitialAccumulatorValue = 0.1 }, 50);
        Assert.True(Enumerable.Range(0, 4).Any(i => Math.Abs(torchWithEps[i] - textbook[i]) > 1e-4), "the two placements should differ");
    }

    [Fact]
    public void WithoutEpsBothPlacementsAreIdentical()
    {
        var inside = Run(new AdagradOptions { Lr = 0.1, Eps = 0, InitialAccumulatorValue = 0.1, EpsilonPlacement = EpsilonPlacement.InsideSqrt }, 30);
        var outside = Run(new AdagradOptions { Lr = 0.1, Eps = 0, InitialAccumulatorValue = 0.1 }, 30);
        AssertBitEqual(outside, inside);
    }

    // --- the fused kernel equals its scalar reference -----------------------------------------------------------

}
