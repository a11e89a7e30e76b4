using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class AdadeltaTests
{
    [Fact]
    public void FirstTwoStepsFollowTheFormula()
    {
        const double lr = 0.5, rho = 0.9, eps = 1e-6;
        var p = Param("w", 1f);
        var adadelta = new Adadelta([p], new AdadeltaOptions { Lr = lr, Rho = rho, Eps = eps });
        double v = 0, u = 0, theta = 1;
        foreach (double g in new[] { 2.0, 1.0 })
        {
            Grad(p, (float)g);
            adadelta.Step();
            v = rho * v + (1 - rho) * g * g;
            double delta = Math.Sqrt(u + eps) / Math.Sqrt(v + eps) * g;
            u = rho * u + (1 - rho) * delta * delta;
            theta -= lr * delta;
            Assert.Equal(theta, p.Value[0], 6);
            Assert.Equal(v, adadelta.StateOf("w").Buffers["square_avg"][0], 6);
            Assert.Equal(u, adadelta.StateOf("w").Buffers["acc_delta"][0], 9);
        }
    }

    [Fact]
    public void WeightDecayAndMaximizeChangeTheGradientAsTorchDoes()
    {
        // g ← −g, then g ← g + λθ: g = −1 + 0.5·4 = 1, so the first step equals a plain one with g = 1.
        var a = Param("w", 4f);
        var decayed = new Adadelta([a], new AdadeltaOptions { WeightDecay = 0.5, Maximize = true });
        Grad(a, 1f); decayed.Step();
        var b = Param("w", 4f);
        var plain = new Adadelta([b], new AdadeltaOptions());
        Grad(b, 1f); plain.Step();
        Assert.Equal(b.Value[0], a.Value[0]);
    }

    [Fact]
    public void DefaultsAreTorchs()
    {
        var o = new AdadeltaOptions();
        Assert.Equal((1.0, 0.9, 1e-6, 0.0, false), (o.Lr, o.Rho, o.Eps, o.WeightDecay, o.Maximize));
    }

    [Fact]
    public void CatalogReadsTorchNames()
    {
        var o = ((Adadelta)OptimizerCatalog.Create("Adadelta", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.5, ["rho"] = 0.8, ["eps"] = 1e-5, ["weight_decay"] = 0.1, ["maximize"] = true,
        }))).Defaults;
        Assert.Equal((0.5, 0.8, 1e-5, 0.1, true), (o.Lr, o.Rho, o.Eps, o.WeightDecay, o.Maximize));
    }

    [Fact]
    public void BuffersHaveTorchsNames()
    {
        var p = Param("w", 1f, 2f);
        var adadelta = new Adadelta([p], new AdadeltaOptions());
        Grad(p, 1f, 1f); adadelta.Step();
        Assert.Equal(["acc_delta", "square_avg"], adadelta.StateOf("w").Buffers.Keys.Order());
    }

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", -1.0, () => new Adadelta([Param("a", 1f)], new AdadeltaOptions { Lr = -1 }));
    [Fact] public void NegativeRhoIsRejected() => AssertRejects("Rho", -0.1, () => new Adadelta([Param("a", 1f)], new AdadeltaOptions { Rho = -0.1 }));
    [Fact] public void RhoAboveOneIsRejected() => AssertRejects("Rho", 1.1, () => new Adadelta([Param("a", 1f)], new AdadeltaOptions { Rho = 1.1 }));
    [Fact] public void NegativeEpsIsRejected() => AssertRejects("Eps", -1e-6, () => new Adadelta([Param("a", 1f)], new AdadeltaOptions { Eps = -1e-6 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", -0.1, () => new Adadelta([Param("a", 1f)], new AdadeltaOptions { WeightDecay = -0.1 }));

    [Fact]
    public void RhoZeroAndOneAreAcceptedAsInTorch()
    {
        Assert.Equal(0.0, new Adadelta([Param("a", 1f)], new AdadeltaOptions { Rho = 0 }).Defaults.Rho);
        Assert.Equal(1.0, new Adadelta([Param("a", 1f)], new AdadeltaOptions { Rho = 1 }).Defaults.Rho);
    }

}
