using Descent.Autograd;
using Descent.Nn;
using Descent.Tensors;
using Descent.Tests.Autograd;
using Descent.Tests.Threading;
using Descent.Threading;

namespace Descent.Tests.Nn;

[Collection(ComputeThreadsCollection.Name)]
public class BatchNormTests
{
    /// <summary>Per-channel statistics in double over [N, C, S].</summary>
    private static (double[] Mean, double[] Var) Stats(Tensor x)
    {
        int n = x.Shape[0], c = x.Shape[1], s = x.Length / (n * c);
        var mean = new double[c];
        var variance = new double[c];
        var v = x.ToArray();
        for (int ch = 0; ch < c; ch++)
        {
            double sum = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sum += v[(i * c + ch) * s + j];
            mean[ch] = sum / (n * s);
            double sq = 0;
            for (int i = 0; i < n; i++) for (int j = 0; j < s; j++) sq += Math.Pow(v[(i * c + ch) * s + j] - mean[ch], 2);
            variance[ch] = sq / (n * s);
        }
        return (mean, variance);
    }

    [Fact]
    public void TrainingNormalizesWithBatchStatisticsAndUpdatesRunningOnes()
    {
        var bn = new BatchNorm2d(3);
        GradCheck.Random(1, 3).Span.CopyTo(bn.Weight!.Span);
        GradCheck.Random(2, 3).Span.CopyTo(bn.Bias!.Span);
        var x = Tensor.Multiply(GradCheck.Random(3, 4, 3, 5, 6), 3f) + 1f;
        var (mean, variance) = Stats(x);
        var y = bn.Forward(x).ToArray();
        var xs = x.ToArray();
        for (int i = 0; i < xs.Length; i++)
        {
            int ch = i / 30 % 3;
            double expected = (xs[i] - mean[ch]) / Math.Sqrt(variance[ch] + 1e-5) * bn.Weight[ch] + bn.Bias[ch];
            Assert.Equal(expected, y[i], 1e-4);
        }
        int m = 4 * 30;
        for (int ch = 0; ch < 3; ch++)
        {
            Assert.Equal(0.1 * mean[ch], bn.RunningMean![ch], 1e-6);
            Assert.Equal(0.9 + 0.1 * variance[ch] * m / (m - 1), bn.RunningVar![ch], 1e-5);
        }
        Assert.Equal(1, bn.NumBatchesTracked);
    }

    [Fact]
    public void EvaluationUsesTheRunningStatistics()
    {
        var bn = new BatchNorm1d(2);
        bn.RunningMean!.Span[0] = 0.5f;
        bn.RunningVar!.Span[0] = 4f;
        bn.RunningMean.Span[1] = -1f;
        bn.RunningVar.Span[1] = 0.25f;
        bn.Weight!.Span[1] = 2f;
        bn.Bias!.Span[1] = 0.5f;
        bn.Eval();
        var x = Tensor.FromArray([1.5f, 0f, -0.5f, 1f], 2, 2);
        var y = bn.Forward(x).ToArray();
        Assert.Equal(1 / Math.Sqrt(4 + 1e-5), y[0], 1e-5);
        Assert.Equal(2 * 1 / Math.Sqrt(0.25 + 1e-5) + 0.5, y[1], 1e-4);
        Assert.Equal(-1 / Math.Sqrt(4 + 1e-5), y[2], 1e-5);
        Assert.Equal(2 * 2 / Math.Sqrt(0.25 + 1e-5) + 0.5, y[3], 1e-4);
        Assert.Equal(0.5f, bn.RunningMean[0]);
        Assert.Equal(0, bn.NumBatchesTracked);
    }

    [Theory]
    [InlineData(new[] { 5, 3 })]
    [InlineData(new[] { 3, 2, 4 })]
    [InlineData(new[] { 2, 3, 3, 2 })]
    public void TrainingGradientsMatchFiniteDifferences(int[] shape)
    {
        int c = shape[1];
        var inputs = new[] { GradCheck.Random(4, shape), GradCheck.Random(5, c), GradCheck.Random(6, c) };
        GradCheck.Check(t => Tensor.BatchNorm(t[0], null, null, t[1], t[2], training: true), inputs, step: 1e-2f, tolerance: 5e-3f);
    }

    [Fact]
    public void EvaluationGradientsMatchFiniteDifferences()
    {
        var mean = GradCheck.Random(7, 3);
        var variance = Tensor.Add(Tensor.Multiply(GradCheck.Random(8, 3), 0.5f), 1f);
        var inputs = new[] { GradCheck.Random(9, 2, 3, 2, 2), GradCheck.Random(10, 3), GradCheck.Random(11, 3) };
        GradCheck.Check(t => Tensor.BatchNorm(t[0], mean, variance, t[1], t[2], training: false), inputs);
    }

    [Fact]
    public void GradientsWithoutAffineMatchFiniteDifferences() =>
        GradCheck.Check(t => Tensor.BatchNorm(t[0], null, null, null, null, training: true), [GradCheck.Random(12, 4, 2, 3)], tolerance: 5e-3f);

    [Fact]
    public void RunningStatisticsAreBuffersNotParameters()
    {
        var model = new Sequential(new Linear(4, 3, new Rng(0)), new BatchNorm1d(3), new Conv2d(1, 2, 1, new Rng(0)), new BatchNorm2d(2, affine: false));
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "2.weight", "2.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(["1.running_mean", "1.running_var", "3.running_mean", "3.running_var"], model.NamedBuffers().Select(b => b.Name));
        Assert.All(model.NamedBuffers(), b => Assert.False(b.Value.RequiresGrad));
        Assert.Empty(new BatchNorm2d(2, trackRunningStats: false).NamedBuffers());
    }

    [Fact]
    public void WithoutRunningStatisticsEvaluationUsesTheBatch()
    {
        var bn = new BatchNorm2d(2, trackRunningStats: false);
        var x = GradCheck.Random(13, 3, 2, 2, 2);
        var train = bn.Forward(x).ToArray();
        bn.Eval();
        Assert.Equal(train, bn.Forward(x).ToArray());
    }

    [Fact]
    public void TrainingNeedsMoreThanOneValuePerChannel()
    {
        Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3)));
        Assert.Throws<ArgumentException>(() => new BatchNorm2d(3).Forward(Tensor.Zeros(2, 4, 2, 2)));
        Assert.Throws<ArgumentException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(2, 3, 2, 2)));
    }

    [Fact]
    public void ResultsDoNotDependOnTheThreadCount()
    {
        int saved = ComputeThreads.Count;
        try
        {
            float[][] Run(int threads)
            {
                ComputeThreads.Count = threads;
                var bn = new BatchNorm2d(16);
                var x = GradCheck.Random(14, 32, 16, 9, 9);
                x.RequiresGrad = true;
                var y = bn.Forward(x);
                Tensor.Multiply(y, GradCheck.Random(15, y.Shape.ToArray())).Sum().Backward();
                return [y.ToArray(), x.Grad!.ToArray(), bn.Weight!.Grad!.ToArray(), bn.RunningVar!.ToArray()];
            }
            var one = Run(1);
            var two = Run(2);
            for (int i = 0; i < one.Length; i++) Assert.Equal(one[i], two[i]);
        }
        finally
        {
            ComputeThreads.Count = saved;
        }
    }

    [Fact]
    public void NoGradEvaluationRecordsNothing()
    {
        var bn = new BatchNorm1d(2);
        bn.Eval();
        using (GradMode.NoGrad())
            Assert.False(bn.Forward(GradCheck.Random(16, 3, 2)).RequiresGrad);
    }
}
