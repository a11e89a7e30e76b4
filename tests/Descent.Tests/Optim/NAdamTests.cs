using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class NAdamTests
{
    private static double Mu(double beta1, double psi, double t) => beta1 * (1 - 0.5 * Math.Pow(0.96, t * psi));

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", () => new NAdam([Param("a", 1f)], new NAdamOptions { Lr = -1 }));
    [Fact] public void NegativeEpsIsRejected() => AssertRejects("Eps", () => new NAdam([Param("a", 1f)], new NAdamOptions { Eps = -1 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", () => new NAdam([Param("a", 1f)], new NAdamOptions { WeightDecay = -1 }));
    [Fact] public void NegativeMomentumDecayIsRejected() => AssertRejects("MomentumDecay", () => new NAdam([Param("a", 1f)], new NAdamOptions { MomentumDecay = -4e-3 }));

    [Fact]
    public void BetasOutsideTheUnitIntervalAreRejected()
    {
        Assert.Contains("index 0", AssertRejects("Betas", () => new NAdam([Param("a", 1f)], new NAdamOptions { Beta1 = -0.1 })).Message);
        Assert.Contains("index 1", AssertRejects("Betas", () => new NAdam([Param("a", 1f)], new NAdamOptions { Beta2 = 1 })).Message);
    }

    [Fact]
    public void ChangingAGroupOptionIsValidated()
    {
        var nadam = new NAdam([Param("a", 1f)], new NAdamOptions());
        AssertRejects("MomentumDecay", () => nadam.Group(0).Options.MomentumDecay = double.NaN);
        AssertRejects("WeightDecay", () => nadam.Group(0).Options.WeightDecay = -0.1);
    }

    [Fact]
    public void DefaultsAndTorchNames()
    {
        var o = new NAdamOptions();
        Assert.Equal((2e-3, 0.9, 0.999, 1e-8, 0.0, 4e-3), (o.Lr, o.Beta1, o.Beta2, o.Eps, o.WeightDecay, o.MomentumDecay));
        var torch = new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.01, ["betas"] = new[] { 0.8, 0.99 }, ["eps"] = 1e-6, ["weight_decay"] = 0.1, ["momentum_decay"] = 0.01, ["foreach"] = false,
        });
        var d = ((NAdam)OptimizerCatalog.Create("NAdam", [Param("a", 1f)], torch)).Defaults;
        Assert.Equal((0.01, 0.8, 0.99, 1e-6, 0.1, 0.01), (d.Lr, d.Beta1, d.Beta2, d.Eps, d.WeightDecay, d.MomentumDecay));
    }

    [Fact]
    public void TorchOneThirteenHasNoMaximize()
    {
        var torch = new TorchOptions(new Dictionary<string, object> { ["maximize"] = true });
        AssertRejects("maximize", () => OptimizerCatalog.Create("NAdam", [Param("a", 1f)], torch));
    }

    [Fact]
    public void FirstStepFollowsTorchsFormula()
    {
        // t = 1: μ₁, μ₂ from the schedule; Π = μ₁ and (as PyTorch 1.13 computes it) Π·μ₁·μ₂ for the m term;
        // m = (1−β₁)g, v = (1−β₂)g², d = √(v/(1−β₂)) + ε = |g| + ε.
        const double lr = 0.1, b1 = 0.9, b2 = 0.999, eps = 1e-8, psi = 4e-3;
        var p = Param("w", 1f, -1f);
        var nadam = new NAdam([p], new NAdamOptions { Lr = lr });
        double[] g = [2, -0.5];
        p.Value.Grad = Tensor.FromArray(g.Select(x => (float)x).ToArray(), 2);
        nadam.Step();
        double mu1 = Mu(b1, psi, 1), mu2 = Mu(b1, psi, 2);
        for (int i = 0; i < 2; i++)
        {
            double m = (1 - b1) * g[i], d = Math.Sqrt((1 - b2) * g[i] * g[i] / (1 - b2)) + eps;
            double expected = (i == 0 ? 1 : -1) - lr * (1 - mu1) / (1 - mu1) * g[i] / d - lr * mu2 / (1 - mu1 * mu1 * mu2) * m / d;
            Assert.Equal(expected, p.Value[i], 6);
        }
        Assert.Equal((float)mu1, (float)nadam.StateOf("w").Scalars["mu_product"]);
    }

    [Fact]
    public void MuProductIsTheFloat32ProductOfTheSchedule()
    {
        var p = Param("w", 1f);
        var nadam = new NAdam([p], new NAdamOptions { MomentumDecay = 0.01 });
        float product = 1f;
        for (int t = 1; t <= 6; t++)
        {
            p.Value.Grad = Tensor.FromArray([0.3f], 1);
            nadam.Step();
            product *= (float)Mu(0.9, 0.01, t);
            Assert.Equal(product, nadam.StateOf("w").Scalars["mu_product"]);
        }
        Assert.Equal(new[] { "exp_avg", "exp_avg_sq" }, nadam.StateOf("w").Buffers.Keys.Order());
    }

    [Fact]
    public void StateDictRoundTripKeepsMuProduct()
    {
        var rng = new Rng(21);
        var init = Random(rng, 30, -1, 1);
        var grads = Enumerable.Range(0, 8).Select(_ => Random(rng, 30, -1, 1)).ToArray();
        var a = Param("w", init);
        var whole = new NAdam([a], new NAdamOptions { Lr = 0.01, WeightDecay = 0.1 });
        foreach (var g in grads) { a.Value.Grad = Tensor.FromArray(g, 30); whole.Step(); }

        var b = Param("w", init);
        var first = new NAdam([b], new NAdamOptions { Lr = 0.01, WeightDecay = 0.1 });
        foreach (var g in grads[..3]) { b.Value.Grad = Tensor.FromArray(g, 30); first.Step(); }
        var dict = first.StateDict();
        Assert.True(dict.Scalars.ContainsKey("w.mu_product"));
        var second = new NAdam([b], new NAdamOptions { Lr = 0.01, WeightDecay = 0.1 });
        second.LoadStateDict(dict);
        foreach (var g in grads[3..]) { b.Value.Grad = Tensor.FromArray(g, 30); second.Step(); }
        Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
    }

}
