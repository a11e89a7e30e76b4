using Descent.Nn;
using Descent.Tensors;

namespace Descent.Tests.Nn;

/// <summary>Initializers draw from the distributions torch.nn.init defines (bounds and standard deviations).</summary>
public class InitTests
{
    private static (double Mean, double Std, float Min, float Max) Stats(Tensor t)
    {
        var v = t.ToArray();
        double mean = v.Average();
        double std = Math.Sqrt(v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1));
        return (mean, std, v.Min(), v.Max());
    }

    [Fact]
    public void LinearDefaultIsUniformWithinOneOverSqrtFanIn()
    {
        var layer = new Linear(400, 300, new Rng(1));
        float bound = 1f / MathF.Sqrt(400);
        var (mean, std, min, max) = Stats(layer.Weight);
        Assert.InRange(min, -bound, -bound * 0.99f);
        Assert.InRange(max, bound * 0.99f, bound);
        Assert.InRange(std, bound / Math.Sqrt(3) * 0.98, bound / Math.Sqrt(3) * 1.02);
        Assert.InRange(mean, -bound * 0.01, bound * 0.01);
        var b = Stats(layer.Bias!);
        Assert.InRange(b.Min, -bound, bound);
        Assert.InRange(b.Max, -bound, bound);
    }

    [Fact]
    public void XavierUniformBound()
    {
        var w = Tensor.Zeros(300, 500);
        Init.XavierUniform(w, new Rng(2), gain: 2f);
        float bound = 2f * MathF.Sqrt(6f / 800f);
        var (_, std, min, max) = Stats(w);
        Assert.InRange(min, -bound, -bound * 0.99f);
        Assert.InRange(max, bound * 0.99f, bound);
        Assert.InRange(std, bound / Math.Sqrt(3) * 0.98, bound / Math.Sqrt(3) * 1.02);
    }

    [Fact]
    public void XavierNormalStd()
    {
        var w = Tensor.Zeros(300, 500);
        Init.XavierNormal(w, new Rng(3));
        Assert.InRange(Stats(w).Std, Math.Sqrt(2.0 / 800) * 0.98, Math.Sqrt(2.0 / 800) * 1.02);
    }

    [Fact]
    public void KaimingNormalStdForReluUsesFanIn()
    {
        var w = Tensor.Zeros(200, 600);
        Init.KaimingNormal(w, new Rng(4), nonlinearity: Nonlinearity.Relu);
        Assert.InRange(Stats(w).Std, Math.Sqrt(2.0 / 600) * 0.98, Math.Sqrt(2.0 / 600) * 1.02);
    }

    [Fact]
    public void KaimingUniformFanOutBound()
    {
        var w = Tensor.Zeros(200, 600);
        Init.KaimingUniform(w, new Rng(5), mode: FanMode.FanOut, nonlinearity: Nonlinearity.Relu);
        float bound = MathF.Sqrt(2f) * MathF.Sqrt(3f / 200f);
        var (_, _, min, max) = Stats(w);
        Assert.InRange(min, -bound, -bound * 0.99f);
        Assert.InRange(max, bound * 0.99f, bound);
    }

    [Fact]
    public void FansOfAConvolutionWeightIncludeTheReceptiveField()
    {
        Assert.Equal((3 * 25, 8 * 25), Init.Fans(Tensor.Zeros(8, 3, 5, 5)));
        Assert.Throws<ArgumentException>(() => Init.Fans(Tensor.Zeros(5)));
    }

    [Fact]
    public void GainsMatchTorch()
    {
        Assert.Equal(MathF.Sqrt(2f), Init.Gain(Nonlinearity.Relu));
        Assert.Equal(5f / 3f, Init.Gain(Nonlinearity.Tanh));
        Assert.Equal(MathF.Sqrt(2f / 6f), Init.Gain(Nonlinearity.LeakyRelu, MathF.Sqrt(5f)), 6);
    }
}
