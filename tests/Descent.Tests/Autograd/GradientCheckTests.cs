using Descent.Nn;
using Descent.Tensors;
using static Descent.Tests.Autograd.GradCheck;

namespace Descent.Tests.Autograd;

public class GradientCheckTests
{
    [Fact] public void AddSameShape() => Check(x => x[0] + x[1], [Random(1, 3, 4), Random(2, 3, 4)]);
    [Fact] public void AddRowBroadcast() => Check(x => x[0] + x[1], [Random(1, 3, 4), Random(2, 4)]);
    [Fact] public void AddRowBroadcastOnTheLeft() => Check(x => x[0] + x[1], [Random(1, 4), Random(2, 3, 4)]);
    [Fact] public void AddScalarTensor() => Check(x => x[0] + x[1], [Random(1, 3, 4), Random(2, 1)]);
    [Fact] public void AddConstant() => Check(x => x[0] + 2.5f, [Random(1, 5)]);
    [Fact] public void SubtractSameShape() => Check(x => x[0] - x[1], [Random(1, 3, 4), Random(2, 3, 4)]);
    [Fact] public void SubtractRowBroadcast() => Check(x => x[0] - x[1], [Random(1, 3, 4), Random(2, 4)]);
    [Fact] public void SubtractScalarTensor() => Check(x => x[0] - x[1], [Random(1, 2, 3), Random(2, 1)]);
    [Fact] public void MultiplySameShape() => Check(x => x[0] * x[1], [Random(1, 3, 4), Random(2, 3, 4)]);
    [Fact] public void MultiplyRowBroadcast() => Check(x => x[0] * x[1], [Random(1, 3, 4), Random(2, 4)]);
    [Fact] public void MultiplyScalarTensor() => Check(x => x[0] * x[1], [Random(1, 3, 4), Random(2, 1)]);
    [Fact] public void MultiplyConstant() => Check(x => x[0] * -3f, [Random(1, 5)]);
    [Fact] public void Negate() => Check(x => -x[0], [Random(1, 5)]);

    [Theory]
    [InlineData(false, false)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(true, true)]
    public void MatMul(bool transposeA, bool transposeB)
    {
        var a = transposeA ? Random(1, 4, 3) : Random(1, 3, 4);
        var b = transposeB ? Random(2, 5, 4) : Random(2, 4, 5);
        Check(x => Tensor.MatMul(x[0], x[1], transposeA, transposeB), [a, b]);
    }

    [Fact] public void LinearWithBias() => Check(x => Tensor.Linear(x[0], x[1], x[2]), [Random(1, 3, 4), Random(2, 5, 4), Random(3, 5)]);
    [Fact] public void LinearWithoutBias() => Check(x => Tensor.Linear(x[0], x[1], null), [Random(1, 3, 4), Random(2, 5, 4)]);

    // Inputs kept away from ReLU's kink at 0, where the derivative is not defined.
    [Fact] public void Relu() => Check(x => x[0].Relu(), [Tensor.FromArray([-0.9f, -0.3f, 0.2f, 0.7f, 1.5f, -2f], 2, 3)]);
    [Fact] public void Sigmoid() => Check(x => x[0].Sigmoid(), [Random(1, 2, 5)]);
    [Fact] public void Tanh() => Check(x => x[0].Tanh(), [Random(1, 2, 5)]);
    [Fact] public void Exp() => Check(x => x[0].Exp(), [Random(1, 2, 5)]);
    [Fact] public void Log() => Check(x => x[0].Log(), [Tensor.Uniform(new Rng(1), 0.5f, 2f, 2, 5)]);
    [Fact] public void Square() => Check(x => x[0].Square(), [Random(1, 2, 5)]);
    [Fact] public void Sum() => Check(x => x[0].Sum(), [Random(1, 3, 4)]);
    [Fact] public void Mean() => Check(x => x[0].Mean(), [Random(1, 3, 4)]);
    [Fact] public void SumRows() => Check(x => x[0].SumRows(), [Random(1, 3, 4)]);
    [Fact] public void Reshape() => Check(x => x[0].Reshape(4, -1), [Random(1, 2, 6)]);
    [Fact] public void Flatten() => Check(x => x[0].Flatten(), [Random(1, 2, 3, 2)]);
    [Fact] public void Narrow() => Check(x => x[0].Narrow(1, 2), [Random(1, 4, 3)]);
    [Fact] public void Dropout() => Check(x => x[0].Dropout(0.5f, new Rng(7)), [Random(1, 4, 5)]);

    [Fact]
    public void CrossEntropy()
    {
        int[] labels = [2, 0, 3];
        Check(x => Losses.CrossEntropy(x[0], labels), [Random(1, 3, 4)]);
    }

    [Fact] public void MeanSquaredError() => Check(x => Losses.MeanSquaredError(x[0], x[1]), [Random(1, 3, 4), Random(2, 3, 4)]);

    [Fact]
    public void ComposedNetwork()
    {
        int[] labels = [1, 0];
        Check(x => Losses.CrossEntropy(Tensor.Linear(Tensor.Linear(x[0], x[1], x[2]).Tanh(), x[3], null), labels),
            [Random(1, 2, 3), Random(2, 4, 3), Random(3, 4), Random(4, 3, 4)]);
    }

    [Fact]
    public void ReusedTensorGetsTheSumOfItsPaths() => Check(x => x[0] * x[0] + x[0].Exp(), [Random(1, 5)]);
}
