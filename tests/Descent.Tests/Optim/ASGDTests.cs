using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class ASGDTests
{
    // --- the formula, by hand ----------------------------------------------------------------------------------

    [Fact]
    public void FirstThreeStepsFollowTheFormula()
    {
        const double lr = 0.1, lambd = 0.1, alpha = 0.75;
        var p = Param("w", 1f);
        var asgd = new ASGD([p], new ASGDOptions { Lr = lr, Lambd = lambd, Alpha = alpha, T0 = 0 });
        var state = asgd.StateOf("w");
        double eta = (float)lr, mu = 1, theta = 1, ax = 0;
        double[] grads = [2, 1, -1];
        for (int t = 1; t <= grads.Length; t++)
        {
            Grad(p, (float)grads[t - 1]); asgd.Step();
            theta = theta * (1 - lambd * eta) - eta * grads[t - 1];
            ax = mu != 1 ? ax + (theta - ax) * mu : theta;
            eta = (float)(lr / Math.Pow(1 + lambd * lr * t, alpha));
            mu = (float)(1 / Math.Max(1, t - 0.0));
            Assert.Equal(theta, p.Value[0], 6);
            Assert.Equal(ax, state.Buffers["ax"][0], 6);
            Assert.Equal(eta, state.Scalars["eta"]);
            Assert.Equal(mu, state.Scalars["mu"]);
        }
        Assert.Equal(1.0 / 3, state.Scalars["mu"], 6);
        Assert.NotEqual(p.Value[0], state.Buffers["ax"][0]);  // averaging started at step 3 (μ = 1/2 ≠ 1)
    }

    [Fact]
    public void WithTheDefaultT0TheAverageIsACopyOfTheParameters()
    {
        var p = Param("w", 1f, -2f);
        var asgd = new ASGD([p], new ASGDOptions());
        for (int t = 0; t < 5; t++) { Grad(p, 0.5f, 1f); asgd.Step(); }
        AssertBitEqual(p.Value.ToArray(), asgd.StateOf("w").Buffers["ax"].ToArray());
        Assert.Equal(1.0, asgd.StateOf("w").Scalars["mu"]);
    }

    [Fact]
    public void WeightDecayAndMaximizeChangeTheGradientAsTorchDoes()
    {
        // g ← −g, then g ← g + wθ: g = −1 + 0.5·4 = 1, so the first step equals a plain one with g = 1.
        var a = Param("w", 4f);
        var decayed = new ASGD([a], new ASGDOptions { WeightDecay = 0.5, Maximize = true });
        Grad(a, 1f); decayed.Step();
        var b = Param("w", 4f);
        var plain = new ASGD([b], new ASGDOptions());
        Grad(b, 1f); plain.Step();
        Assert.Equal(b.Value[0], a.Value[0]);
    }

    [Fact]
    public void EtaAndMuRoundTripThroughTheStateDict()
    {
        var options = new ASGDOptions { Lr = 0.05, Lambd = 0.01, Alpha = 0.5, T0 = 1 };
        var p = Param("w", 1f, 2f, -1f);
        var asgd = new ASGD([p], options);
        float[][] grads = [[1f, -1f, 0.5f], [0.3f, 0.2f, -1f], [2f, 1f, 1f], [-1f, 0.5f, 0.25f], [0.1f, -0.1f, 1f]];
        OptimizerStateDict? saved = null;
        float[]? savedWeights = null;
        for (int t = 0; t < grads.Length; t++)
        {
            if (t == 3) { saved = asgd.StateDict(); savedWeights = p.Value.ToArray(); }
            Grad(p, grads[t]); asgd.Step();
        }
        Assert.True(saved!.Scalars.ContainsKey("w.eta") && saved.Scalars.ContainsKey("w.mu"));
        Assert.Equal(0.5, saved.Scalars["w.mu"]);

        var q = Param("w", savedWeights!);
        var restored = new ASGD([q], options);
        restored.LoadStateDict(saved);
        for (int t = 3; t < grads.Length; t++) { Grad(q, grads[t]); restored.Step(); }
        AssertBitEqual(p.Value.ToArray(), q.Value.ToArray());
        AssertBitEqual(asgd.StateOf("w").Buffers["ax"].ToArray(), restored.StateOf("w").Buffers["ax"].ToArray());
        Assert.Equal(asgd.StateOf("w").Scalars["eta"], restored.StateOf("w").Scalars["eta"]);
        Assert.Equal(asgd.StateOf("w").Scalars["mu"], restored.StateOf("w").Scalars["mu"]);
    }

    [Fact]
    public void DefaultsAreTorchs()
    {
        var o = new ASGDOptions();
        Assert.Equal((1e-2, 1e-4, 0.75, 1e6, 0.0, false), (o.Lr, o.Lambd, o.Alpha, o.T0, o.WeightDecay, o.Maximize));
    }

    [Fact]
    public void CatalogReadsTorchNames()
    {
        var o = ((ASGD)OptimizerCatalog.Create("ASGD", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.05, ["lambd"] = 0.01, ["alpha"] = 0.5, ["t0"] = 5.0, ["weight_decay"] = 0.1, ["maximize"] = true,
        }))).Defaults;
        Assert.Equal((0.05, 0.01, 0.5, 5.0, 0.1, true), (o.Lr, o.Lambd, o.Alpha, o.T0, o.WeightDecay, o.Maximize));
    }

    // --- validation: torch 1.13 checks lr and weight_decay only; lambd, alpha, t0 must be numbers ------------------

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", -0.1, () => new ASGD([Param("a", 1f)], new ASGDOptions { Lr = -0.1 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", -1.0, () => new ASGD([Param("a", 1f)], new ASGDOptions { WeightDecay = -1 }));
    [Fact] public void NaNLambdIsRejected() => AssertRejects("Lambd", double.NaN, () => new ASGD([Param("a", 1f)], new ASGDOptions { Lambd = double.NaN }));
    [Fact] public void InfiniteLambdIsRejected() => AssertRejects("Lambd", double.PositiveInfinity, () => new ASGD([Param("a", 1f)], new ASGDOptions { Lambd = double.PositiveInfinity }));
    [Fact] public void NaNAlphaIsRejected() => AssertRejects("Alpha", double.NaN, () => new ASGD([Param("a", 1f)], new ASGDOptions { Alpha = double.NaN }));
    [Fact] public void NaNT0IsRejected() => AssertRejects("T0", double.NaN, () => new ASGD([Param("a", 1f)], new ASGDOptions { T0 = double.NaN }));

    [Fact]
    public void LimitValuesAreAccepted()
    {
        var o = new ASGDOptions { Lambd = 0, Alpha = 0, T0 = double.PositiveInfinity };
        Assert.Equal((0.0, 0.0, double.PositiveInfinity), (o.Lambd, o.Alpha, o.T0));
    }

    // Stricter than torch 1.13, which accepts these and fails ("math domain error") or blows up during training.
    [Fact] public void NegativeLambdIsRejected() => AssertRejects("Lambd", -2.0, () => new ASGD([Param("a", 1f)], new ASGDOptions { Lr = 1, Lambd = -2 }));
    [Fact] public void NegativeAlphaIsRejected() => AssertRejects("Alpha", -0.5, () => new ASGD([Param("a", 1f)], new ASGDOptions { Alpha = -0.5 }));
    [Fact] public void NegativeT0IsRejected() => AssertRejects("T0", -1.0, () => new ASGD([Param("a", 1f)], new ASGDOptions { T0 = -1 }));

    // --- the fused kernel equals its scalar reference -----------------------------------------------------------

}
