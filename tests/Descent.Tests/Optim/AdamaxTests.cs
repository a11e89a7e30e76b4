using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class AdamaxTests
{
    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", () => new Adamax([Param("a", 1f)], new AdamaxOptions { Lr = -1 }));
    [Fact] public void NegativeEpsIsRejected() => AssertRejects("Eps", () => new Adamax([Param("a", 1f)], new AdamaxOptions { Eps = -1e-8 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", () => new Adamax([Param("a", 1f)], new AdamaxOptions { WeightDecay = -1 }));

    [Fact]
    public void BetasOutsideTheUnitIntervalAreRejected()
    {
        Assert.Contains("index 0", AssertRejects("Betas", () => new Adamax([Param("a", 1f)], new AdamaxOptions { Beta1 = 1 })).Message);
        Assert.Contains("index 1", AssertRejects("Betas", () => new Adamax([Param("a", 1f)], new AdamaxOptions { Beta2 = -0.5 })).Message);
    }

    [Fact]
    public void ChangingAGroupOptionIsValidated()
    {
        var adamax = new Adamax([Param("a", 1f)], new AdamaxOptions());
        AssertRejects("Betas", () => adamax.Group(0).Options.Beta1 = 1.2);
        AssertRejects("Lr", () => adamax.Group(0).Options.Lr = -1);
    }

    [Fact]
    public void DefaultsAndTorchNames()
    {
        var o = new AdamaxOptions();
        Assert.Equal((2e-3, 0.9, 0.999, 1e-8, 0.0), (o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay));
        var torch = new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.01, ["betas"] = new[] { 0.8, 0.99 }, ["eps"] = 1e-6, ["weight_decay"] = 0.1, ["maximize"] = true, ["foreach"] = true,
        });
        var d = ((Adamax)OptimizerCatalog.Create("Adamax", [Param("a", 1f)], torch)).Defaults;
        Assert.Equal((0.01, 0.8, 0.99, 1e-6, 0.1, true), (d.Lr, d.Beta1, d.Beta2, d.Eps, d.WeightDecay, d.Maximize));
        var amsgrad = new TorchOptions(new Dictionary<string, object> { ["amsgrad"] = true });
        AssertRejects("amsgrad", () => OptimizerCatalog.Create("Adamax", [Param("a", 1f)], amsgrad));
    }

    [Fact]
    public void FirstTwoStepsFollowThePaper()
    {
        // m₁ = (1−β₁)g, u₁ = max(0, |g| + ε): θ₁ = θ₀ − γ/(1−β₁) · m₁/u₁ = θ₀ − γ g/(|g| + ε).
        const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        var p = Param("w", 1f, -1f);
        var adamax = new Adamax([p], new AdamaxOptions { Lr = lr });
        double[] g1 = [2, -0.5], g2 = [-1, 3], theta = [1, -1];
        p.Value.Grad = Tensor.FromArray(g1.Select(x => (float)x).ToArray(), 2);
        adamax.Step();
        for (int i = 0; i < 2; i++) theta[i] -= lr * g1[i] / (Math.Abs(g1[i]) + eps);
        Assert.Equal(theta[0], p.Value[0], 6);
        Assert.Equal(theta[1], p.Value[1], 6);

        p.Value.Grad = Tensor.FromArray(g2.Select(x => (float)x).ToArray(), 2);
        adamax.Step();
        for (int i = 0; i < 2; i++)
        {
            double m = b1 * (1 - b1) * g1[i] + (1 - b1) * g2[i];
            double u = Math.Max(b2 * (Math.Abs(g1[i]) + eps), Math.Abs(g2[i]) + eps);
            theta[i] -= lr / (1 - b1 * b1) * m / u;
            Assert.Equal(u, adamax.StateOf("w").Buffers["exp_inf"][i], 6);
        }
        Assert.Equal(theta[0], p.Value[0], 6);
        Assert.Equal(theta[1], p.Value[1], 6);
        Assert.Equal(new[] { "exp_avg", "exp_inf" }, adamax.StateOf("w").Buffers.Keys.Order());
    }

    [Fact]
    public void TheInfinityNormDecaysFromTheLargestGradient()
    {
        var p = Param("w", 0f);
        var adamax = new Adamax([p], new AdamaxOptions { Beta2 = 0.9 });
        float u = 0;
        foreach (var g in new[] { 10f, 0.1f, 0.1f, -0.2f })
        {
            p.Value.Grad = Tensor.FromArray([g], 1);
            adamax.Step();
            u = MathF.Max(u * 0.9f, MathF.Abs(g) + 1e-8f);
            Assert.Equal(u, adamax.StateOf("w").Buffers["exp_inf"][0]);
        }
        Assert.Equal(10f * 0.9f * 0.9f * 0.9f, u, 5);
    }

    [Fact]
    public void MaximizeIsDescentOnTheNegatedGradient()
    {
        var a = Param("w", 0.5f);
        var b = Param("w", 0.5f);
        var max = new Adamax([a], new AdamaxOptions { WeightDecay = 0.1, Maximize = true });
        var min = new Adamax([b], new AdamaxOptions { WeightDecay = 0.1 });
        for (int i = 0; i < 4; i++)
        {
            a.Value.Grad = Tensor.FromArray([1.5f], 1);
            b.Value.Grad = Tensor.FromArray([-1.5f], 1);
            max.Step();
            min.Step();
        }
        Assert.Equal(b.Value[0], a.Value[0]);
        Assert.True(a.Value[0] > 0.5f);
    }

}
