using Descent.Lab.Problems;
using Descent.Nn;
using Descent.Tensors;
using Descent.Tests.Autograd;

namespace Descent.Tests.Nn;

public class RegularizationTests
{
    [Fact]
    public void L2IsHalfTheCoefficientTimesTheSumOfSquares()
    {
        var a = Tensor.FromArray([1f, -2f], 2);
        var b = Tensor.FromArray([3f], 1);
        a.RequiresGrad = b.RequiresGrad = true;
        var penalty = Regularization.L2([new NamedParameter("a", a), new NamedParameter("b", b)], 0.1);
        Assert.Equal(0.5f * 0.1f * 14f, penalty.Item(), 6);
        penalty.Backward();
        Assert.Equal([0.1f, -0.2f], a.Grad!.ToArray());
        Assert.Equal([0.3f], b.Grad!.ToArray());
    }

    [Fact]
    public void L2GradientsMatchFiniteDifferences() =>
        GradCheck.Check(t => Regularization.L2([t[0], t[1]], 0.3) * 2f, [GradCheck.Random(1, 3, 2), GradCheck.Random(2, 4)]);

    [Fact]
    public void L2AddsToExistingGradients()
    {
        var w = Tensor.FromArray([2f], 1);
        w.RequiresGrad = true;
        (w.Sum() + Regularization.L2([w], 0.5)).Backward();
        Assert.Equal([2f], w.Grad!.ToArray());
    }

    [Fact]
    public void WeightsSelectsLinearAndConvolutionWeightsOnly()
    {
        var model = new Sequential(new Conv2d(1, 2, 3, new Rng(0)), new BatchNorm2d(2), new Flatten(), new Linear(8, 2, new Rng(0)));
        Assert.Equal(["0.weight", "3.weight"], Regularization.Weights(model).Select(p => p.Name));
        Assert.Throws<ArgumentOutOfRangeException>(() => Regularization.L2(Array.Empty<Tensor>(), -1));
    }

    [Fact]
    public void Cifar3c3dLossAddsThePenaltyOnItsModelsWeights()
    {
        var problem = new Cifar10With3c3d();
        var model = problem.CreateModel(new Rng(1));
        var output = Tensor.Zeros(2, 10);
        double sum = Regularization.Weights(model).Sum(p => p.Value.ToArray().Sum(v => (double)v * v));
        float expected = Losses.CrossEntropy(output, [1, 2]).Item() + (float)(0.5 * 0.002 * sum);
        Assert.Equal(expected, problem.Loss(output, [1, 2]).Item(), 5);
    }
}
