using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class AdamTests
{
    // ---- validation, as torch.optim.Adam / AdamW ----

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", () => new Adam([Param("a", 1f)], new AdamOptions { Lr = -1e-3 }));
    [Fact] public void NegativeEpsIsRejected() => AssertRejects("Eps", () => new Adam([Param("a", 1f)], new AdamOptions { Eps = -1e-8 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", () => new Adam([Param("a", 1f)], new AdamOptions { WeightDecay = -0.1 }));
    [Fact] public void AdamWNegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", () => new AdamW([Param("a", 1f)], new AdamOptions { WeightDecay = -0.1, DecoupledWeightDecay = true }));
    [Fact] public void AdamWNegativeLearningRateIsRejected() => AssertRejects("Lr", () => new AdamW([Param("a", 1f)], new AdamOptions { Lr = -1, WeightDecay = 0.01, DecoupledWeightDecay = true }));

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Beta1OutsideTheUnitIntervalIsRejected(double beta1)
    {
        var e = AssertRejects("Betas", () => new Adam([Param("a", 1f)], new AdamOptions { Beta1 = beta1 }));
        Assert.Contains("beta parameter at index 0", e.Message);
    }

    [Theory]
    [InlineData(-0.1)]
    [InlineData(1.0)]
    [InlineData(1.5)]
    public void Beta2OutsideTheUnitIntervalIsRejected(double beta2)
    {
        var e = AssertRejects("Betas", () => new Adam([Param("a", 1f)], new AdamOptions { Beta2 = beta2 }));
        Assert.Contains("beta parameter at index 1", e.Message);
    }

    [Fact]
    public void ChangingAGroupOptionIsValidated()
    {
        var adam = new Adam([Param("a", 1f)], new AdamOptions());
        AssertRejects("Betas", () => adam.Group(0).Options.Beta2 = 1);
        AssertRejects("Eps", () => adam.Group(0).Options.Eps = -1);
        AssertRejects("Betas", () => adam.Group(0).Options.Betas = (0.5, 1.0));
        Assert.Equal((0.9, 0.999), adam.Group(0).Options.Betas);   // neither beta changed
        adam.Group(0).Options.Betas = (0.5, 0.9);
        Assert.Equal(0.5, adam.Group(0).Options.Beta1);
    }

    [Fact]
    public void AdamWNeedsDecoupledOptions() =>
        AssertRejects("options", () => new AdamW([Param("a", 1f)], new AdamOptions { WeightDecay = 0.01 }));

    // ---- defaults and torch names ----

    [Fact]
    public void DefaultsAreTorchs()
    {
        var adam = new AdamOptions();
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0), (adam.Lr, adam.Beta1, adam.Beta2, adam.Eps, adam.WeightDecay));
        Assert.False(adam.Amsgrad || adam.Maximize || adam.DecoupledWeightDecay);
        var adamW = AdamOptions.AdamWDefaults();
        Assert.Equal((1e-3, 0.01), (adamW.Lr, adamW.WeightDecay));
        Assert.True(adamW.DecoupledWeightDecay);
        Assert.Equal(0.01, new AdamW([Param("a", 1f)], AdamOptions.AdamWDefaults()).Defaults.WeightDecay);
    }

    [Fact]
    public void CatalogReadsTorchKeywordNames()
    {
        var o = new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.01, ["betas"] = new[] { 0.8, 0.99 }, ["eps"] = 1e-6, ["weight_decay"] = 0.1,
            ["amsgrad"] = true, ["maximize"] = true, ["foreach"] = false, ["capturable"] = false, ["differentiable"] = false, ["fused"] = false,
        });
        var adam = (Adam)OptimizerCatalog.Create("Adam", [Param("a", 1f)], o);
        var d = adam.Defaults;
        Assert.Equal((0.01, 0.8, 0.99, 1e-6, 0.1), (d.Lr, d.Beta1, d.Beta2, d.Eps, d.WeightDecay));
        Assert.True(d.Amsgrad && d.Maximize && !d.DecoupledWeightDecay);
    }

    [Fact]
    public void CatalogAdamWDefaultsToDecoupledDecayOfOneHundredth()
    {
        var adamW = (AdamW)OptimizerCatalog.Create("AdamW", [Param("a", 1f)], TorchOptions.Empty);
        Assert.Equal(0.01, adamW.Defaults.WeightDecay);
        Assert.True(adamW.Defaults.DecoupledWeightDecay);
    }

    [Fact]
    public void CatalogRejectsOptionsTorchDoesNotHave()
    {
        var o = new TorchOptions(new Dictionary<string, object> { ["momentum"] = 0.9 });
        AssertRejects("momentum", () => OptimizerCatalog.Create("Adam", [Param("a", 1f)], o));
        var w = new TorchOptions(new Dictionary<string, object> { ["fused"] = false });   // Adam has fused, AdamW has not (1.13)
        AssertRejects("fused", () => OptimizerCatalog.Create("AdamW", [Param("a", 1f)], w));
    }

    [Fact]
    public void CatalogRejectsCudaOnlyImplementations() =>
        AssertRejects("capturable", () => OptimizerCatalog.Create("Adam", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object> { ["capturable"] = true })));

    [Fact]
    public void BuffersHaveTorchsStateNames()
    {
        var a = Param("a", 1f, 2f);
        var b = Param("b", 1f, 2f);
        var adam = new Adam([a], new AdamOptions());
        adam.AddParamGroup([b], new AdamOptions { Amsgrad = true });
        a.Value.Grad = Tensor.FromArray([1f, 1f], 2);
        b.Value.Grad = Tensor.FromArray([1f, 1f], 2);
        adam.Step();
        Assert.Equal(new[] { "exp_avg", "exp_avg_sq" }, adam.StateOf("a").Buffers.Keys.Order());
        Assert.Equal(new[] { "exp_avg", "exp_avg_sq", "max_exp_avg_sq" }, adam.StateOf("b").Buffers.Keys.Order());
        Assert.Equal(1, adam.StateOf("a").Step);
    }

    // ---- the update rule, against the paper's formulas ----

    [Fact]
    public void FirstTwoStepsFollowThePaper()
    {
        // m₁ = (1−β₁)g₁, v₁ = (1−β₂)g₁²: m̂₁ = g₁, v̂₁ = g₁², so θ₁ = θ₀ − γ g₁/(|g₁| + ε), a step of about γ.
        const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var p = Param("w", 1f, -2f);
        var adam = new Adam([p], new AdamOptions { Lr = lr });
        double[] g1 = [2, -0.5], g2 = [-1, 3], theta = [1, -2];
        p.Value.Grad = Tensor.FromArray(g1.Select(x => (float)x).ToArray(), 2);
        adam.Step();
        for (int i = 0; i < 2; i++) theta[i] -= lr * g1[i] / (Math.Abs(g1[i]) + eps);
        Assert.Equal(theta[0], p.Value[0], 6);
        Assert.Equal(theta[1], p.Value[1], 6);

        p.Value.Grad = Tensor.FromArray(g2.Select(x => (float)x).ToArray(), 2);
        adam.Step();
        for (int i = 0; i < 2; i++)
        {
            double m = b1 * (1 - b1) * g1[i] + (1 - b1) * g2[i];
            double v = b2 * (1 - b2) * g1[i] * g1[i] + (1 - b2) * g2[i] * g2[i];
            double mHat = m / (1 - b1 * b1), vHat = v / (1 - b2 * b2);
            theta[i] -= lr * mHat / (Math.Sqrt(vHat) + eps);
            Assert.Equal(m, adam.StateOf("w").Buffers["exp_avg"][i], 6);
            Assert.Equal(v, adam.StateOf("w").Buffers["exp_avg_sq"][i], 6);
        }
        Assert.Equal(theta[0], p.Value[0], 6);
        Assert.Equal(theta[1], p.Value[1], 6);
    }

    [Fact]
    public void L2WeightDecayIsAddedToTheGradient()
    {
        // g = 0, λ = 0.5, θ = 2: the gradient is λθ = 1, so θ₁ = 2 − γ·1/(1 + ε).
        var p = Param("w", 2f);
        var adam = new Adam([p], new AdamOptions { Lr = 0.1, WeightDecay = 0.5 });
        p.Value.Grad = Tensor.FromArray([0f], 1);
        adam.Step();
        Assert.Equal(2 - 0.1 / (1 + 1e-8), p.Value[0], 6);
    }

    [Fact]
    public void AdamWDecaysTheWeightsBeforeTheAdamUpdate()
    {
        // θ₁ = θ₀(1 − γλ) − γ g/(|g| + ε); the decay does not enter the moments.
        var p = Param("w", 2f);
        var adamW = new AdamW([p], new AdamOptions { Lr = 0.1, WeightDecay = 0.5, DecoupledWeightDecay = true });
        p.Value.Grad = Tensor.FromArray([0.25f], 1);
        adamW.Step();
        Assert.Equal(2 * (1 - 0.1 * 0.5) - 0.1 * 0.25 / (0.25 + 1e-8), p.Value[0], 6);
        Assert.Equal(0.1f * 0.25f, adamW.StateOf("w").Buffers["exp_avg"][0], 7);
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void AdamWWithoutWeightDecayIsAdam(bool amsgrad, bool maximize)
    {
        var rng = new Rng(5);
        var init = Random(rng, 53, -1, 1);
        var a = Param("w", init);
        var b = Param("w", init);
        var adam = new Adam([a], new AdamOptions { Lr = 0.01, Amsgrad = amsgrad, Maximize = maximize });
        var adamW = new AdamW([b], new AdamOptions { Lr = 0.01, WeightDecay = 0, Amsgrad = amsgrad, Maximize = maximize, DecoupledWeightDecay = true });
        for (int step = 0; step < 20; step++)
        {
            var g = Random(rng, 53, -2, 2);
            a.Value.Grad = Tensor.FromArray(g, 53);
            b.Value.Grad = Tensor.FromArray(g, 53);
            adam.Step();
            adamW.Step();
            Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
        }
    }

    [Fact]
    public void AmsgradKeepsTheMaximumOfTheSecondMoment()
    {
        var a = Param("w", 1f);
        var b = Param("w", 1f);
        var ams = new Adam([a], new AdamOptions { Lr = 0.01, Amsgrad = true });
        var plain = new Adam([b], new AdamOptions { Lr = 0.01 });
        float max = 0;
        float[] grads = [10f, 0.1f, 0.1f, 0.1f, 0.1f, 5f, 0.1f, 0.1f];
        foreach (var g in grads)
        {
            a.Value.Grad = Tensor.FromArray([g], 1);
            b.Value.Grad = Tensor.FromArray([g], 1);
            ams.Step();
            plain.Step();
            var state = ams.StateOf("w").Buffers;
            max = Math.Max(max, state["exp_avg_sq"][0]);
            Assert.Equal(max, state["max_exp_avg_sq"][0]);
            Assert.True(state["max_exp_avg_sq"][0] >= state["exp_avg_sq"][0]);
        }
        Assert.True(ams.StateOf("w").Buffers["max_exp_avg_sq"][0] > ams.StateOf("w").Buffers["exp_avg_sq"][0]);
        // a larger denominator makes smaller steps: AMSGrad moved less than Adam
        Assert.True(1f - a.Value[0] < 1f - b.Value[0]);
    }

    [Fact]
    public void MaximizeIsDescentOnTheNegatedGradient()
    {
        var a = Param("w", 0.5f, -0.5f);
        var b = Param("w", 0.5f, -0.5f);
        var max = new Adam([a], new AdamOptions { Lr = 0.01, WeightDecay = 0.1, Maximize = true });
        var min = new Adam([b], new AdamOptions { Lr = 0.01, WeightDecay = 0.1 });
        for (int i = 0; i < 5; i++)
        {
            a.Value.Grad = Tensor.FromArray([1f, -2f], 2);
            b.Value.Grad = Tensor.FromArray([-1f, 2f], 2);
            max.Step();
            min.Step();
        }
        Assert.Equal(b.Value.ToArray(), a.Value.ToArray());
        Assert.True(a.Value[0] > 0.5f);
    }

    [Fact]
    public void StateDictRoundTripContinuesTheTrajectory()
    {
        var rng = new Rng(9);
        var init = Random(rng, 40, -1, 1);
        var grads = Enumerable.Range(0, 10).Select(_ => Random(rng, 40, -1, 1)).ToArray();
        var a = Param("w", init);
        var whole = new Adam([a], new AdamOptions { Lr = 0.01, Amsgrad = true });
        foreach (var g in grads) { a.Value.Grad = Tensor.FromArray(g, 40); whole.Step(); }

        var b = Param("w", init);
        var first = new Adam([b], new AdamOptions { Lr = 0.01, Amsgrad = true });
        foreach (var g in grads[..5]) { b.Value.Grad = Tensor.FromArray(g, 40); first.Step(); }
        var second = new Adam([b], new AdamOptions { Lr = 0.01, Amsgrad = true });
        second.LoadStateDict(first.StateDict());
        foreach (var g in grads[5..]) { b.Value.Grad = Tensor.FromArray(g, 40); second.Step(); }
        Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
    }

    // ---- the fused kernel ----

    [Fact]
    public void BiasCorrectionsAreComputedInDoubleAndRoundedOnce()
    {
        // torch: 1 − β₁ as a Python float, then rounded to float32 by the kernel: 0.1f, not 1f − 0.9f.
        var h = AdamRule.For(1e-3, 0.9, 0.999, 1e-8, 0, false, false, false, 2);
        Assert.Equal(0.1f, h.OneMinusBeta1);
        Assert.NotEqual(1f - 0.9f, h.OneMinusBeta1);
        Assert.Equal((float)-(1e-3 / (1 - Math.Pow(0.9, 2))), h.NegStepSize);
        Assert.Equal((float)Math.Sqrt(1 - Math.Pow(0.999, 2)), h.BiasCorrection2Sqrt);
    }
}
