using Descent.Nn;
using Descent.Tensors;

namespace Descent.Tests.Nn;

public class ModuleTests
{
    private sealed class Mlp : Module
    {
        public Mlp(Rng rng) => RegisterModule("layers", new Sequential(new Linear(4, 3, rng), new ReLU(), new Linear(3, 2, rng)));
        public override Tensor Forward(Tensor input) => ((Sequential)Children().First().Module).Forward(input);
    }

    [Fact]
    public void ParametersHaveDottedNamesInRegistrationOrder()
    {
        var names = new Mlp(new Rng(0)).NamedParameters().Select(p => p.Name);
        Assert.Equal(["layers.0.weight", "layers.0.bias", "layers.2.weight", "layers.2.bias"], names);
    }

    [Fact]
    public void TrainAndEvalReachEveryDescendant()
    {
        var dropout = new Dropout(0.5f, new Rng(0));
        var model = new Sequential(new Sequential(dropout));
        model.Eval();
        Assert.False(dropout.IsTraining);
        var x = Tensor.Full(1f, 2, 8);
        Assert.Equal(x.ToArray(), model.Forward(x).ToArray());
        model.Train();
        Assert.True(dropout.IsTraining);
        Assert.Contains(0f, model.Forward(x).ToArray());
    }

    [Fact]
    public void DropoutKeepsTheExpectation()
    {
        var y = Tensor.Full(1f, 100_000).Dropout(0.3f, new Rng(1));
        var values = y.ToArray();
        Assert.All(values, v => Assert.True(v == 0f || Math.Abs(v - 1f / 0.7f) < 1e-6));
        Assert.InRange(values.Average(), 0.99, 1.01);
    }

    [Fact]
    public void DropoutRejectsAProbabilityOutsideZeroToOne()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(1f, new Rng(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(-0.1f, new Rng(0)));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dropout(float.NaN, new Rng(0)));
    }

    [Fact]
    public void LinearRejectsAWrongInputWidth()
    {
        var e = Assert.Throws<ArgumentException>(() => new Linear(4, 3, new Rng(0)).Forward(Tensor.Zeros(2, 5)));
        Assert.Contains("[batch, 4]", e.Message);
    }

    [Fact]
    public void DuplicateMemberNamesAreRejected()
    {
        Assert.Throws<ArgumentException>(() => new TwoWeights());
    }

    private sealed class TwoWeights : Module
    {
        public TwoWeights()
        {
            RegisterParameter("w", Tensor.Zeros(1));
            RegisterParameter("w", Tensor.Zeros(1));
        }
        public override Tensor Forward(Tensor input) => input;
    }

    [Fact]
    public void ParameterBlockKeepsValuesAndReceivesGradients()
    {
        var model = new Mlp(new Rng(3));
        var before = model.NamedParameters().Select(p => p.Value.ToArray()).ToList();
        var block = ParameterBlock.Flatten(model);
        var parameters = model.NamedParameters();
        for (int i = 0; i < parameters.Count; i++)
        {
            Assert.Equal(before[i], parameters[i].Value.ToArray());
            Assert.Same(block.Values, parameters[i].Value.Storage);
            Assert.Equal(0, block.Offsets[i] % ParameterBlock.Alignment);
        }
        Losses.CrossEntropy(model.Forward(Tensor.Full(0.5f, 2, 4)), [0, 1]).Backward();
        var weight = parameters[0].Value;
        Assert.Equal(weight.Grad!.ToArray(), block.Gradients.AsSpan(block.Offsets[0], weight.Length).ToArray());
    }
}
