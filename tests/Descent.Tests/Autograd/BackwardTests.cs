using Descent.Autograd;
using Descent.Tensors;

namespace Descent.Tests.Autograd;

public class BackwardTests
{
    [Fact]
    public void GradientsAccumulateAcrossBackwardCalls()
    {
        var x = Tensor.FromArray([1f, 2f, 3f], 3);
        x.RequiresGrad = true;
        (x * 2f).Sum().Backward();
        (x * 3f).Sum().Backward();
        Assert.Equal([5f, 5f, 5f], x.Grad!.ToArray());
    }

    [Fact]
    public void ResettingGradMakesTheNextBackwardOverwrite()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        (x * 2f).Sum().Backward();
        x.Grad = null;
        Assert.Null(x.Grad);
        x.Square().Sum().Backward();
        Assert.Equal([2f, 4f], x.Grad!.ToArray());
    }

    [Fact]
    public void NoGradScopeRecordsNothing()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        Tensor y;
        using (GradMode.NoGrad()) y = (x * 2f).Sum();
        Assert.False(y.RequiresGrad);
        Assert.True(GradMode.IsEnabled);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
    }

    [Fact]
    public void BackwardNeedsAScalar()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var e = Assert.Throws<InvalidOperationException>(() => (x * 2f).Backward());
        Assert.Contains("scalar", e.Message);
    }

    [Fact]
    public void SecondBackwardThroughAFreedGraphFails()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var loss = x.Square().Sum();
        loss.Backward();
        var e = Assert.Throws<InvalidOperationException>(() => loss.Backward());
        Assert.Contains("already used", e.Message);
    }

    [Fact]
    public void IntermediateGradientsAreFreed()
    {
        var x = Tensor.FromArray([1f, 2f], 2);
        x.RequiresGrad = true;
        var hidden = x * 3f;
        hidden.Sum().Backward();
        Assert.Null(hidden.Grad);
        Assert.NotNull(x.Grad);
    }

    [Fact]
    public void RequiresGradCannotBeChangedOnANonLeaf()
    {
        var x = Tensor.FromArray([1f], 1);
        x.RequiresGrad = true;
        var y = x * 2f;
        Assert.False(y.IsLeaf);
        Assert.Throws<InvalidOperationException>(() => y.RequiresGrad = false);
        Assert.False(y.Detach().RequiresGrad);
    }

    [Fact]
    public void ViewsShareStorage()
    {
        var x = Tensor.FromArray([1f, 2f, 3f, 4f, 5f, 6f], 3, 2);
        var rows = x.Narrow(1, 2);
        var flat = x.Reshape(-1);
        rows[0, 0] = 30f;
        Assert.Equal(30f, x[1, 0]);
        Assert.Equal(30f, flat[2]);
        Assert.Equal(new Shape(6), flat.Shape);
    }

    [Fact]
    public void ReshapeRejectsAWrongElementCount()
    {
        var x = Tensor.Zeros(2, 3);
        Assert.Throws<ArgumentException>(() => x.Reshape(4, 2));
        Assert.Throws<ArgumentException>(() => x.Reshape(-1, -1));
        Assert.Throws<ArgumentException>(() => x.Reshape(4, -1));
    }

    [Fact]
    public void MismatchedShapesAreRejectedWithTheirShapes()
    {
        var e = Assert.Throws<ArgumentException>(() => Tensor.Zeros(2, 3) + Tensor.Zeros(3, 2));
        Assert.Contains("[2, 3]", e.Message);
        Assert.Throws<ArgumentException>(() => Tensor.MatMul(Tensor.Zeros(2, 3), Tensor.Zeros(2, 3)));
    }
}
