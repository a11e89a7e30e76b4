using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Tensors;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

public class SgdTests
{
    [Fact]
    public void MomentumFollowsTheHeavyBallRecurrence()
    {
        // v1 = g1, θ1 = θ0 − η v1; v2 = μ v1 + g2, θ2 = θ1 − η v2 (PyTorch's form, seed 000's equations 3–4)
        var p = Param("w", 1f);
        var sgd = new Sgd([p], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        p.Value.Grad = Tensor.FromArray([2f], 1);
        sgd.Step();
        Assert.Equal(1f - 0.1f * 2f, p.Value[0], 6);
        p.Value.Grad = Tensor.FromArray([1f], 1);
        sgd.Step();
        float v2 = 0.9f * 2f + 1f;
        Assert.Equal(1f - 0.1f * 2f - 0.1f * v2, p.Value[0], 6);
        Assert.Equal(v2, sgd.StateOf("w").Buffers["momentum_buffer"][0], 6);
    }

    [Fact]
    public void ParametersWithoutGradientAreSkipped()
    {
        var a = Param("a", 1f);
        var b = Param("b", 1f);
        var sgd = new Sgd([a, b], new SgdOptions { Lr = 0.5 });
        a.Value.Grad = Tensor.FromArray([1f], 1);
        sgd.Step();
        Assert.Equal(0.5f, a.Value[0]);
        Assert.Equal(1f, b.Value[0]);
        Assert.Equal(1, sgd.StepCount);
    }

    [Fact]
    public void ZeroGradSetsToNoneByDefault()
    {
        var a = Param("a", 1f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 0.5 });
        a.Value.Grad = Tensor.FromArray([1f], 1);
        sgd.ZeroGrad(setToNone: false);
        Assert.Equal(0f, a.Value.Grad![0]);
        sgd.ZeroGrad();
        Assert.Null(a.Value.Grad);
    }

    [Fact] public void NegativeLearningRateIsRejected() => AssertRejects("Lr", () => new Sgd([Param("a", 1f)], new SgdOptions { Lr = -0.1 }));
    [Fact] public void NaNLearningRateIsRejected() => AssertRejects("Lr", () => new Sgd([Param("a", 1f)], new SgdOptions { Lr = double.NaN }));
    [Fact] public void NegativeMomentumIsRejected() => AssertRejects("Momentum", () => new Sgd([Param("a", 1f)], new SgdOptions { Lr = 0.1, Momentum = -0.5 }));
    [Fact] public void NegativeDampeningIsRejected() => AssertRejects("Dampening", () => new Sgd([Param("a", 1f)], new SgdOptions { Lr = 0.1, Dampening = -1 }));
    [Fact] public void NegativeWeightDecayIsRejected() => AssertRejects("WeightDecay", () => new Sgd([Param("a", 1f)], new SgdOptions { Lr = 0.1, WeightDecay = -1 }));
    [Fact] public void NesterovWithoutMomentumIsRejected() => AssertRejects("Nesterov", () => new Sgd([Param("a", 1f)], new SgdOptions { Lr = 0.1, Nesterov = true }));
    [Fact] public void NesterovWithDampeningIsRejected() => AssertRejects("Nesterov", () => new Sgd([Param("a", 1f)], new SgdOptions { Lr = 0.1, Momentum = 0.9, Dampening = 0.1, Nesterov = true }));
    [Fact] public void EmptyParameterListIsRejected() => AssertRejects("parameters", () => new Sgd(Array.Empty<NamedParameter>(), new SgdOptions { Lr = 0.1 }));

    [Fact]
    public void AParameterInTwoGroupsIsRejected()
    {
        var a = Param("a", 1f);
        var sgd = new Sgd([a], new SgdOptions { Lr = 0.1 });
        AssertRejects("parameters", () => sgd.AddParamGroup([a]));
    }

    [Fact]
    public void ChangingAGroupOptionIsValidated()
    {
        var sgd = new Sgd([Param("a", 1f)], new SgdOptions { Lr = 0.1 });
        AssertRejects("Lr", () => sgd.Group(0).Options.Lr = -1);
        sgd.Group(0).Options.Lr = 0.01;
        Assert.Equal(0.01, sgd.Group(0).Options.Lr);
    }

    private static void AssertRejects(string argument, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(argument, e.ParamName);
    }

}
