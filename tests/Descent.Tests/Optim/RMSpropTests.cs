using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class RMSpropTests
{
    // --- the formula, by hand ----------------------------------------------------------------------------------

    [Fact]
    public void FirstStepFollowsTheFormula()
    {
        // v = (1 − α)g² = 0.04, θ = 1 − η·g/(√v + ε)
        var p = Param("w", 1f);
        var rms = new RMSprop([p], new RMSpropOptions { Lr = 0.01, Alpha = 0.99, Eps = 1e-8 });
        Grad(p, 2f); rms.Step();
        Assert.Equal(1 - 0.01 * 2 / (0.2 + 1e-8), p.Value[0], 6);
        Assert.Equal(0.04, rms.StateOf("w").Buffers["square_avg"][0], 7);
        Assert.Equal(["square_avg"], rms.StateOf("w").Buffers.Keys);
    }

    [Fact]
    public void CenteredDividesByTheRootOfTheVariance()
    {
        // m = (1 − α)g = 0.2, v = (1 − α)g² = 0.4, θ = 1 − η·g/(√(v − m²) + ε)
        var p = Param("w", 1f);
        var rms = new RMSprop([p], new RMSpropOptions { Lr = 0.01, Alpha = 0.9, Eps = 1e-3, Centered = true });
        Grad(p, 2f); rms.Step();
        Assert.Equal(1 - 0.01 * 2 / (Math.Sqrt(0.4 - 0.04) + 1e-3), p.Value[0], 6);
        Assert.Equal(0.2, rms.StateOf("w").Buffers["grad_avg"][0], 6);
    }

    [Fact]
    public void MomentumAccumulatesTheScaledGradient()
    {
        // b1 = g1/d1, θ1 = θ0 − ηb1; b2 = μb1 + g2/d2, θ2 = θ1 − ηb2
        const double lr = 0.01, alpha = 0.9, mu = 0.5, eps = 1e-8;
        var p = Param("w", 1f);
        var rms = new RMSprop([p], new RMSpropOptions { Lr = lr, Alpha = alpha, Momentum = mu, Eps = eps });
        double v = 0, b = 0, theta = 1;
        foreach (double g in new[] { 2.0, -1.0 })
        {
            Grad(p, (float)g); rms.Step();
            v = alpha * v + (1 - alpha) * g * g;
            b = mu * b + g / (Math.Sqrt(v) + eps);
            theta -= lr * b;
            Assert.Equal(theta, p.Value[0], 6);
            Assert.Equal(b, rms.StateOf("w").Buffers["momentum_buffer"][0], 5);
        }
    }

    [Fact]
    public void WeightDecayAndMaximizeChangeTheGradientAsTorchDoes()
    {
        // g ← −g, then g ← g + λθ: g = −1 + 0.5·4 = 1, so the first step equals a plain one with g = 1.
        var a = Param("w", 4f);
        var decayed = new RMSprop([a], new RMSpropOptions { WeightDecay = 0.5, Maximize = true });
        Grad(a, 1f); decayed.Step();
        var b = Param("w", 4f);
        var plain = new RMSprop([b], new RMSpropOptions());
        Grad(b, 1f); plain.Step();
        Assert.Equal(b.Value[0], a.Value[0]);
    }

    [Fact]
    public void DefaultsAreTorchs()
    {
        var o = new RMSpropOptions();
        Assert.Equal((1e-2, 0.99, 1e-8, 0.0, 0.0, false, false), (o.Lr, o.Alpha, o.Eps, o.WeightDecay, o.Momentum, o.Centered, o.Maximize));
        Assert.Equal((EpsilonPlacement.OutsideSqrt, MomentumForm.PyTorch), (o.EpsilonPlacement, o.Form));
        Assert.IsAssignableFrom<IMomentumOptions>(o);
    }

    [Fact]
    public void CatalogReadsTorchNames()
    {
        var o = ((RMSprop)OptimizerCatalog.Create("RMSprop", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.5, ["alpha"] = 0.9, ["eps"] = 1e-6, ["weight_decay"] = 0.1, ["momentum"] = 0.8, ["centered"] = true, ["maximize"] = true,
        }))).Defaults;
        Assert.Equal((0.5, 0.9, 1e-6, 0.1, 0.8, true, true), (o.Lr, o.Alpha, o.Eps, o.WeightDecay, o.Momentum, o.Centered, o.Maximize));
    }

    // --- validation, one rule per test -------------------------------------------------------------------------

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", -0.1, () => new RMSprop([Param("a", 1f)], new RMSpropOptions { Lr = -0.1 }));
    [Fact] public void NegativeAlphaIsRejected() => AssertRejects("Alpha", -0.5, () => new RMSprop([Param("a", 1f)], new RMSpropOptions { Alpha = -0.5 }));
    [Fact] public void NegativeEpsIsRejected() => AssertRejects("Eps", -1e-8, () => new RMSprop([Param("a", 1f)], new RMSpropOptions { Eps = -1e-8 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", -1.0, () => new RMSprop([Param("a", 1f)], new RMSpropOptions { WeightDecay = -1 }));
    [Fact] public void NegativeMomentumIsRejected() => AssertRejects("Momentum", -0.9, () => new RMSprop([Param("a", 1f)], new RMSpropOptions { Momentum = -0.9 }));
    [Fact]
    public void MovingAverageFormWithMomentumOneIsRejected() =>
        AssertRejects("Momentum", 1.0, () => new RMSprop([Param("a", 1f)], new RMSpropOptions { Momentum = 1, Form = MomentumForm.Ema }));

    // --- the textbook forms --------------------------------------------------------------------------------------

    // An ill-conditioned quadratic f(θ) = ½ Σ a_i θ_i², gradient a_i θ_i.
    private static readonly float[] Curvature = [1f, 10f, 0.1f, 3f];

    private static List<(float[] Theta, float[] Buffer)> Run(RMSpropOptions options, int steps, Action<RMSprop, int>? beforeStep = null)
    {
        var theta = Param("theta", 1f, -1f, 2f, 0.5f);
        var rms = new RMSprop([theta], options);
        var path = new List<(float[], float[])>();
        for (int t = 0; t < steps; t++)
        {
            beforeStep?.Invoke(rms, t);
            var g = new float[4];
            for (int i = 0; i < 4; i++) g[i] = Curvature[i] * theta.Value[i];
            Grad(theta, g);
            rms.Step();
            var buffers = rms.StateOf("theta").Buffers;
            path.Add((theta.Value.ToArray(), buffers.TryGetValue("momentum_buffer", out var b) ? b.ToArray() : []));
        }
        return path;
    }

    private static void AssertClose(float expected, float actual, string where) =>
        Assert.True(Math.Abs(expected - actual) <= 1e-5f * (1 + Math.Abs(expected)), $"{where}: {expected} vs {actual}");

    [Fact]
    public void EpsInsideTheRootFollowsTheTextbookFormula()
    {
        // θ1 = θ0 − η g/√(v + ε) with v = (1 − α)g², against PyTorch's θ0 − η g/(√v + ε); a large ε separates them.
        var inside = Run(new RMSpropOptions { Lr = 0.01, Alpha = 0.9, Eps = 0.1, EpsilonPlacement = EpsilonPlacement.InsideSqrt }, 1);
        var outside = Run(new RMSpropOptions { Lr = 0.01, Alpha = 0.9, Eps = 0.1 }, 1);
        double g = 10 * -1.0, v = 0.1 * g * g;
        Assert.Equal(-1 - 0.01 * g / Math.Sqrt(v + 0.1), inside[0].Theta[1], 6);
        Assert.Equal(-1 - 0.01 * g / (Math.Sqrt(v) + 0.1), outside[0].Theta[1], 6);
    }

    [Fact]
    public void EpsInsideTheRootIsPyTorchsFormWithEpsPrime()
    {
        // g/√(v + ε) = g/(√v + ε′) with ε′ = √(v + ε) − √v: on one coordinate, the textbook step equals PyTorch's
        // run with that ε′.
        const double alpha = 0.9, eps = 0.01;
        double v = (1 - alpha) * 3.0 * 3.0, epsPrime = Math.Sqrt(v + eps) - Math.Sqrt(v);
        var a = Param("w", 1f);
        var textbook = new RMSprop([a], new RMSpropOptions { Lr = 0.1, Alpha = alpha, Eps = eps, EpsilonPlacement = EpsilonPlacement.InsideSqrt });
        Grad(a, 3f); textbook.Step();
        var b = Param("w", 1f);
        var torch = new RMSprop([b], new RMSpropOptions { Lr = 0.1, Alpha = alpha, Eps = epsPrime });
        Grad(b, 3f); torch.Step();
        Assert.Equal(b.Value[0], a.Value[0], 6);
    }

    [Fact]
    public void WithoutEpsBothPlacementsAreIdentical()
    {
        foreach (bool centered in new[] { false, true })
        {
            var inside = Run(new RMSpropOptions { Lr = 0.01, Eps = 0, Momentum = 0.5, Centered = centered, EpsilonPlacement = EpsilonPlacement.InsideSqrt }, 30);
            var outside = Run(new RMSpropOptions { Lr = 0.01, Eps = 0, Momentum = 0.5, Centered = centered }, 30);
            for (int t = 0; t < 30; t++) AssertBitEqual(outside[t].Theta, inside[t].Theta);
        }
    }

    [Fact]
    public void SeedsMomentumFormEqualsPyTorchsWithVelocityMinusLrTimesBuffer()
    {
        // Seeds: v ← εv − α g/√(δ + r), w ← w + v.  PyTorch: b ← μb + g/d, θ ← θ − ηb.  With α = η, v = −η·b.
        const double lr = 0.01;
        foreach (var placement in new[] { EpsilonPlacement.InsideSqrt, EpsilonPlacement.OutsideSqrt })
        {
            var torch = Run(new RMSpropOptions { Lr = lr, Alpha = 0.9, Eps = 1e-6, Momentum = 0.9, EpsilonPlacement = placement }, 60);
            var seeds = Run(new RMSpropOptions { Lr = lr, Alpha = 0.9, Eps = 1e-6, Momentum = 0.9, EpsilonPlacement = placement, Form = MomentumForm.Sutskever }, 60);
            for (int t = 0; t < torch.Count; t++)
                for (int i = 0; i < 4; i++)
                {
                    AssertClose(torch[t].Theta[i], seeds[t].Theta[i], $"step {t + 1}, θ[{i}]");
                    AssertClose((float)(-lr * torch[t].Buffer[i]), seeds[t].Buffer[i], $"step {t + 1}, v[{i}]");
                }
        }
    }

    [Fact]
    public void MovingAverageFormEqualsPyTorchsWithLrScaledByOneMinusMu()
    {
        var torch = Run(new RMSpropOptions { Lr = 0.05 * (1 - 0.9), Alpha = 0.9, Momentum = 0.9 }, 60);
        var ema = Run(new RMSpropOptions { Lr = 0.05, Alpha = 0.9, Momentum = 0.9, Form = MomentumForm.Ema }, 60);
        for (int t = 0; t < torch.Count; t++)
            for (int i = 0; i < 4; i++)
                AssertClose(torch[t].Theta[i], ema[t].Theta[i], $"step {t + 1}, θ[{i}]");
    }

    [Fact]
    public void SeedsMomentumFormDiffersOnceTheLearningRateChanges()
    {
        void Halve(RMSprop rms, int t) { if (t == 10) rms.Group(0).Options.Lr *= 0.5; }
        var torch = Run(new RMSpropOptions { Lr = 0.01, Momentum = 0.9 }, 12, Halve);
        var seeds = Run(new RMSpropOptions { Lr = 0.01, Momentum = 0.9, Form = MomentumForm.Sutskever }, 12, Halve);
        for (int i = 0; i < 4; i++) AssertClose(torch[9].Theta[i], seeds[9].Theta[i], $"θ[{i}] before the change");
        // PyTorch's form rescales the whole velocity by the new lr; the seeds' keeps the old velocity, so it moves further.
        float torchMove = torch[10].Theta[1] - torch[9].Theta[1], seedsMove = seeds[10].Theta[1] - seeds[9].Theta[1];
        Assert.True(Math.Abs(seedsMove) > Math.Abs(torchMove) * 1.1, $"{seedsMove} vs {torchMove}");
    }

    // --- the fused kernel equals its scalar reference -----------------------------------------------------------

}
