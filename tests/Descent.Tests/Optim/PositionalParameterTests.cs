using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

public class PositionalParameterTests
{
    private static Sequential Network() => new(new Linear(3, 4, new Rng(0)), new ReLU(), new Linear(4, 2, new Rng(1)));

    private static void TrainStep(Module model, Optimizer optimizer)
    {
        var x = Tensor.FromArray([0.5f, -1f, 2f, 1f, 0f, -0.5f], 2, 3);
        var loss = Losses.CrossEntropy(model.Forward(x), [0, 1]);
        optimizer.ZeroGrad();
        loss.Backward();
        optimizer.Step();
    }

    [Fact]
    public void ParametersAreNamedByPositionAsTorchNumbersThem()
    {
        var model = Network();
        var optimizer = new Adam(model.Parameters(), new AdamOptions { Lr = 0.01 });
        Assert.Equal(["0", "1", "2", "3"], optimizer.ParamGroups[0].Parameters.Select(p => p.Name));
        TrainStep(model, optimizer);
        Assert.Equal(2, optimizer.StateOf("3").Buffers.Count);
    }

    [Fact]
    public void TrainingWithParametersEqualsTrainingWithNamedParameters()
    {
        var byPosition = Network();
        var byName = Network();
        var a = new Sgd(byPosition.Parameters(), new SgdOptions { Lr = 0.1, Momentum = 0.9, Nesterov = true });
        var b = new Sgd(byName.NamedParameters(), new SgdOptions { Lr = 0.1, Momentum = 0.9, Nesterov = true });
        for (int i = 0; i < 5; i++)
        {
            TrainStep(byPosition, a);
            TrainStep(byName, b);
        }
        Assert.Equal(byName.Parameters().SelectMany(p => p.ToArray()), byPosition.Parameters().SelectMany(p => p.ToArray()));
    }

    [Fact]
    public void AGroupAddedLaterContinuesTheNumbering()
    {
        var model = Network();
        var all = model.Parameters().ToList();
        var optimizer = new RMSprop(all.Take(2), new RMSpropOptions { Lr = 0.01 });
        optimizer.AddParamGroup(all.Skip(2), new RMSpropOptions { Lr = 0.001 });
        Assert.Equal(["2", "3"], optimizer.ParamGroups[1].Parameters.Select(p => p.Name));
    }

    [Fact]
    public void NullTensorsAreRefusedNamingTheirPosition()
    {
        var e = Assert.Throws<ArgumentException>(() => NamedParameter.ByPosition([Tensor.Zeros(1), null!]));
        Assert.Equal("tensors", e.ParamName);
        Assert.Contains("parameter 1 is null", e.Message);
        Assert.Equal("tensors", Assert.Throws<ArgumentNullException>(() => NamedParameter.ByPosition(null!)).ParamName);
    }
}
