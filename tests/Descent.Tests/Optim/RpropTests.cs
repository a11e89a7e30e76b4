using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class RpropTests
{
    // --- the rule, by hand ---------------------------------------------------------------------------------------

    [Fact]
    public void StepSizesGrowWhileTheSignHoldsUpToTheMaximum()
    {
        var p = Param("w", 0f);
        var rprop = new Rprop([p], new RpropOptions { Lr = 0.01, StepSizes = (1e-6, 0.02) });
        float expectedTheta = 0f;
        float[] expectedSteps = [0.01f, 0.01f * 1.2f, 0.01f * 1.2f * 1.2f, 0.01f * 1.2f * 1.2f * 1.2f, 0.02f, 0.02f];
        foreach (float s in expectedSteps)
        {
            Grad(p, 3f); rprop.Step();
            expectedTheta -= s;
            Assert.Equal(s, rprop.StateOf("w").Buffers["step_size"][0]);
            Assert.Equal(expectedTheta, p.Value[0]);
        }
    }

    [Fact]
    public void ASignFlipShrinksTheStepSkipsTheMoveAndForgetsTheGradient()
    {
        // iRprop− as torch 1.13: at a flip the step shrinks by η−, θ does not move and prev becomes 0, so the next
        // step sees no sign information (factor 1) and moves by the shrunk step.
        var p = Param("w", 1f);
        var rprop = new Rprop([p], new RpropOptions { Lr = 0.01, StepSizes = (0.004, 50) });
        var state = rprop.StateOf("w");
        Grad(p, 1f); rprop.Step();                                 // prev 0: factor 1, move −0.01
        Assert.Equal(1f - 0.01f, p.Value[0]);
        Grad(p, -1f); rprop.Step();                                // flip: step 0.005, no move, prev ← 0
        Assert.Equal(1f - 0.01f, p.Value[0]);
        Assert.Equal(0.005f, state.Buffers["step_size"][0]);
        Assert.Equal(0f, state.Buffers["prev"][0]);
        Grad(p, -1f); rprop.Step();                                // prev 0: factor 1, move +0.005
        Assert.Equal(1f - 0.01f + 0.005f, p.Value[0]);
        Assert.Equal(-1f, state.Buffers["prev"][0]);
        Grad(p, 1f); rprop.Step();                                 // flip again: 0.0025 clamps to the minimum 0.004
        Assert.Equal(0.004f, state.Buffers["step_size"][0]);
    }

    [Fact]
    public void UnderflowingProductsAndNaNGradientsCarryNoSignInformationAsInTorch()
    {
        // Recorded from torch 1.13: p = [1, 1, 1], grads [1e-30, NaN, 2] then [1e-30, 1, −2] give
        // p = [0.98, 0.99, 0.99], prev = [1e-30, 1, 0], step_size = [0.01, 0.01, 0.005]. 1e-30·1e-30 underflows to 0
        // (factor 1), sign(NaN) is 0 in torch (no move), and NaN·1 compares neither > 0 nor < 0 (factor 1).
        var p = Param("w", 1f, 1f, 1f);
        var rprop = new Rprop([p], new RpropOptions()) { NonFinitePolicy = NonFinitePolicy.Propagate };
        Grad(p, 1e-30f, float.NaN, 2f); rprop.Step();
        Grad(p, 1e-30f, 1f, -2f); rprop.Step();
        float moved = 1f - 0.01f - 0.01f, once = 1f - 0.01f;
        AssertBitEqual([moved, once, once], p.Value.ToArray());
        AssertBitEqual([1e-30f, 1f, 0f], rprop.StateOf("w").Buffers["prev"].ToArray());
        AssertBitEqual([0.01f, 0.01f, 0.005f], rprop.StateOf("w").Buffers["step_size"].ToArray());
    }

    [Fact]
    public void MaximizeClimbs()
    {
        var p = Param("w", 0f);
        var rprop = new Rprop([p], new RpropOptions { Lr = 0.1, Maximize = true });
        Grad(p, 2f); rprop.Step();
        Assert.Equal(0.1f, p.Value[0]);
        Assert.Equal(-2f, rprop.StateOf("w").Buffers["prev"][0]);
    }

    [Fact]
    public void TheLearningRateIsReadOnlyWhenTheStepSizesAreCreated()
    {
        var p = Param("w", 0f);
        var rprop = new Rprop([p], new RpropOptions { Lr = 0.1 });
        Grad(p, 1f); rprop.Step();
        rprop.Group(0).Options.Lr = 5;
        Grad(p, 1f); rprop.Step();
        Assert.Equal(-0.1f - 0.1f * 1.2f, p.Value[0]);
    }

    [Fact]
    public void DefaultsAreTorchs()
    {
        var o = new RpropOptions();
        Assert.Equal((1e-2, (0.5, 1.2), (1e-6, 50.0), false), (o.Lr, o.Etas, o.StepSizes, o.Maximize));
    }

    [Fact]
    public void CatalogReadsTorchNames()
    {
        var o = ((Rprop)OptimizerCatalog.Create("Rprop", [Param("a", 1f)], new TorchOptions(new Dictionary<string, object>
        {
            ["lr"] = 0.05, ["etas"] = new[] { 0.3, 1.5 }, ["step_sizes"] = new[] { 1e-4, 0.05 }, ["maximize"] = true,
        }))).Defaults;
        Assert.Equal((0.05, (0.3, 1.5), (1e-4, 0.05), true), (o.Lr, o.Etas, o.StepSizes, o.Maximize));
    }

    // --- validation, one rule per test -------------------------------------------------------------------------

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", -0.1, () => new Rprop([Param("a", 1f)], new RpropOptions { Lr = -0.1 }));
    [Fact] public void EtaMinusOfZeroIsRejected() => AssertRejects("Etas", (0.0, 1.2), () => new Rprop([Param("a", 1f)], new RpropOptions { Etas = (0, 1.2) }));
    [Fact] public void EtaMinusOfOneIsRejected() => AssertRejects("Etas", (1.0, 1.2), () => new Rprop([Param("a", 1f)], new RpropOptions { Etas = (1, 1.2) }));
    [Fact] public void EtaPlusOfOneIsRejected() => AssertRejects("Etas", (0.5, 1.0), () => new Rprop([Param("a", 1f)], new RpropOptions { Etas = (0.5, 1) }));
    [Fact] public void EtaPlusBelowOneIsRejected() => AssertRejects("Etas", (0.5, 0.9), () => new Rprop([Param("a", 1f)], new RpropOptions { Etas = (0.5, 0.9) }));
    [Fact] public void NegativeMinimumStepSizeIsRejected() => AssertRejects("StepSizes", (-1e-6, 50.0), () => new Rprop([Param("a", 1f)], new RpropOptions { StepSizes = (-1e-6, 50) }));
    [Fact] public void MinimumAboveMaximumStepSizeIsRejected() => AssertRejects("StepSizes", (1.0, 0.5), () => new Rprop([Param("a", 1f)], new RpropOptions { StepSizes = (1, 0.5) }));
    [Fact]
    public void InfiniteMaximumStepSizeIsRejected() =>
        AssertRejects("StepSizes", (0.0, double.PositiveInfinity), () => new RpropOptions { StepSizes = (0, double.PositiveInfinity) });
    [Fact]
    public void EqualStepSizeBoundsAreAccepted() => Assert.Equal((0.1, 0.1), new RpropOptions { StepSizes = (0.1, 0.1) }.StepSizes);

    // --- the fused kernel equals its scalar reference -----------------------------------------------------------

    private static float[] Signed(Rng rng, int n)
    {
        // Mixed signs, exact zeros and tiny values whose products underflow.
        var a = new float[n];
        for (int i = 0; i < n; i++)
            a[i] = rng.NextInt(8) switch { 0 => 0f, 1 => rng.Uniform(-1e-25f, 1e-25f), _ => rng.Uniform(-1, 1) };
        return a;
    }

}
