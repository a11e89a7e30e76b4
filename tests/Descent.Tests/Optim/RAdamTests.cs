using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class RAdamTests
{
    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", () => new RAdam([Param("a", 1f)], new RAdamOptions { Lr = -1 }));
    [Fact] public void NegativeEpsIsRejected() => AssertRejects("Eps", () => new RAdam([Param("a", 1f)], new RAdamOptions { Eps = -1 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", () => new RAdam([Param("a", 1f)], new RAdamOptions { WeightDecay = -1 }));

    [Fact]
    public void BetasOutsideTheUnitIntervalAreRejected()
    {
        Assert.Contains("index 0", AssertRejects("Betas", () => new RAdam([Param("a", 1f)], new RAdamOptions { Beta1 = 1 })).Message);
        Assert.Contains("index 1", AssertRejects("Betas", () => new RAdam([Param("a", 1f)], new RAdamOptions { Beta2 = 2 })).Message);
    }

    [Fact]
    public void ChangingAGroupOptionIsValidated()
    {
        var radam = new RAdam([Param("a", 1f)], new RAdamOptions());
        AssertRejects("Betas", () => radam.Group(0).Options.Beta2 = -0.1);
        AssertRejects("Eps", () => radam.Group(0).Options.Eps = double.PositiveInfinity);
    }

    [Fact]
    public void DefaultsAndTorchNames()
    {
        var o = new RAdamOptions();
        Assert.Equal((1e-3, 0.9, 0.999, 1e-8, 0.0), (o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay));
        var torch = new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.01, ["betas"] = new[] { 0.8, 0.99 }, ["eps"] = 1e-6, ["weight_decay"] = 0.1, ["foreach"] = false,
        });
        var d = ((RAdam)OptimizerCatalog.Create("RAdam", [Param("a", 1f)], torch)).Defaults;
        Assert.Equal((0.01, 0.8, 0.99, 1e-6, 0.1), (d.Lr, d.Beta1, d.Beta2, d.Eps, d.WeightDecay));
        foreach (var missing in new[] { "maximize", "decoupled_weight_decay" })   // both arrived after 1.13
        {
            var extra = new TorchOptions(new Dictionary<string, object> { [missing] = true });
            AssertRejects(missing, () => OptimizerCatalog.Create("RAdam", [Param("a", 1f)], extra));
        }
    }

    [Fact]
    public void RectificationStartsWhenTheSmaLengthExceedsFive()
    {
        // β₂ = 0.999: ρ∞ = 1999, ρ₅ ≈ 4.996, ρ₆ ≈ 5.994
        for (long t = 1; t <= 5; t++) Assert.False(RAdamRule.For(1e-3, 0.9, 0.999, 1e-8, 0, t).Rectified);
        Assert.True(RAdamRule.For(1e-3, 0.9, 0.999, 1e-8, 0, 6).Rectified);
    }

    [Fact]
    public void StepsFollowThePaper()
    {
        // steps 1–5: θ ← θ − γ m̂; step 6 on: θ ← θ − γ m̂ r √(1−β₂ᵗ)/(√v + ε)
        const double lr = 0.01, b1 = 0.9, b2 = 0.999, eps = 1e-8;
        double rhoInf = 2 / (1 - b2) - 1;
        var p = Param("w", 1f);
        var radam = new RAdam([p], new RAdamOptions { Lr = lr });
        double theta = 1, m = 0, v = 0;
        double[] grads = [0.5, -1, 2, 0.25, -0.75, 1.5, 0.5, -2];
        for (int t = 1; t <= grads.Length; t++)
        {
            double g = grads[t - 1];
            p.Value.Grad = Tensor.FromArray([(float)g], 1);
            radam.Step();
            m = b1 * m + (1 - b1) * g;
            v = b2 * v + (1 - b2) * g * g;
            double mHat = m / (1 - Math.Pow(b1, t));
            double rho = rhoInf - 2 * t * Math.Pow(b2, t) / (1 - Math.Pow(b2, t));
            if (rho > 5)
            {
                double r = Math.Sqrt((rho - 4) * (rho - 2) * rhoInf / ((rhoInf - 4) * (rhoInf - 2) * rho));
                theta -= lr * mHat * r * Math.Sqrt(1 - Math.Pow(b2, t)) / (Math.Sqrt(v) + eps);
            }
            else theta -= lr * mHat;
            Assert.Equal(theta, p.Value[0], 5);
        }
        Assert.Equal(new[] { "exp_avg", "exp_avg_sq" }, radam.StateOf("w").Buffers.Keys.Order());
    }

}
