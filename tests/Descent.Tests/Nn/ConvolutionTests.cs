using Descent.Nn;
using Descent.Tensors;
using Descent.Tensors.Kernels;
using Descent.Tests.Autograd;
using Descent.Tests.Threading;
using Descent.Threading;

namespace Descent.Tests.Nn;

[Collection(ComputeThreadsCollection.Name)]
public class ConvolutionTests
{
    /// <summary>The definition: y[n, o, i, j] = b[o] + Σ_{c, u, v} w[o, c, u, v]·x[n, c, i·s − p + u, j·s − p + v], in double.</summary>
    internal static float[] NaiveConv(Tensor x, Tensor w, Tensor? b, int sh, int sw, int ph, int pw)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], wd = x.Shape[3];
        int oc = w.Shape[0], kh = w.Shape[2], kw = w.Shape[3];
        int oh = (h + 2 * ph - kh) / sh + 1, ow = (wd + 2 * pw - kw) / sw + 1;
        var y = new float[n * oc * oh * ow];
        for (int s = 0; s < n; s++)
            for (int o = 0; o < oc; o++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        double sum = b is null ? 0 : b[o];
                        for (int ch = 0; ch < c; ch++)
                            for (int u = 0; u < kh; u++)
                                for (int v = 0; v < kw; v++)
                                {
                                    int r = i * sh - ph + u, q = j * sw - pw + v;
                                    if (r < 0 || r >= h || q < 0 || q >= wd) continue;
                                    sum += (double)w[o, ch, u, v] * x[s, ch, r, q];
                                }
                        y[((s * oc + o) * oh + i) * ow + j] = (float)sum;
                    }
        return y;
    }

    [Theory]
    [InlineData(2, 3, 7, 6, 4, 3, 3, 1, 1, 0, 0, true)]
    [InlineData(2, 3, 7, 6, 4, 3, 3, 1, 1, 1, 1, false)]
    [InlineData(1, 2, 9, 8, 3, 3, 2, 2, 3, 1, 0, true)]
    [InlineData(3, 1, 28, 28, 5, 5, 5, 1, 1, 2, 2, true)]
    [InlineData(2, 4, 5, 5, 3, 1, 1, 1, 1, 0, 0, true)]
    [InlineData(2, 2, 4, 4, 2, 5, 5, 1, 1, 2, 2, false)]
    [InlineData(2, 2, 6, 7, 3, 2, 3, 3, 2, 2, 1, true)]
    public void ForwardMatchesTheDefinition(int n, int c, int h, int w, int oc, int kh, int kw, int sh, int sw, int ph, int pw, bool bias)
    {
        var x = GradCheck.Random(1, n, c, h, w);
        var weight = GradCheck.Random(2, oc, c, kh, kw);
        var b = bias ? GradCheck.Random(3, oc) : null;
        var y = Tensor.Conv2d(x, weight, b, (sh, sw), (ph, pw));
        var expected = NaiveConv(x, weight, b, sh, sw, ph, pw);
        Assert.Equal(new[] { n, oc, (h + 2 * ph - kh) / sh + 1, (w + 2 * pw - kw) / sw + 1 }, y.Shape.ToArray());
        var actual = y.ToArray();
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-4f);
    }

    [Theory]
    [InlineData(1, 0, true)]
    [InlineData(1, 1, false)]
    [InlineData(2, 1, true)]
    [InlineData(2, 2, false)]
    [InlineData(3, 0, true)]
    public void GradientsMatchFiniteDifferences(int stride, int padding, bool bias)
    {
        var x = GradCheck.Random(4, 2, 2, 6, 5);
        var weight = GradCheck.Random(5, 3, 2, 3, 3);
        var inputs = bias ? new[] { x, weight, GradCheck.Random(6, 3) } : new[] { x, weight };
        GradCheck.Check(t => Tensor.Conv2d(t[0], t[1], bias ? t[2] : null, stride, padding), inputs);
    }

    [Fact]
    public void PointwiseGradientsMatchFiniteDifferences()
    {
        var inputs = new[] { GradCheck.Random(7, 2, 3, 4, 4), GradCheck.Random(8, 5, 3, 1, 1), GradCheck.Random(9, 5) };
        GradCheck.Check(t => Tensor.Conv2d(t[0], t[1], t[2]), inputs);
    }

    [Fact]
    public void RectangularStrideAndPaddingGradients()
    {
        var inputs = new[] { GradCheck.Random(10, 2, 2, 7, 6), GradCheck.Random(11, 2, 2, 2, 3), GradCheck.Random(12, 2) };
        GradCheck.Check(t => Tensor.Conv2d(t[0], t[1], t[2], (2, 1), (1, 2)), inputs);
    }

    [Fact]
    public void GradientsAccumulateAcrossUses()
    {
        var x = GradCheck.Random(13, 2, 1, 5, 5);
        var w = GradCheck.Random(14, 2, 1, 3, 3);
        var b = GradCheck.Random(15, 2);
        GradCheck.Check(t =>
        {
            var y = Tensor.Conv2d(t[0], t[1], t[2], 1, 1);
            return Tensor.Conv2d(y, t[1].Reshape(1, 2, 3, 3).Narrow(0, 1).Reshape(1, 2, 3, 3), null, 1, 1) + Tensor.Conv2d(t[0], t[1], t[2], 2, 1).Sum();
        }, [x, w, b]);
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
                var x = GradCheck.Random(20, 33, 8, 12, 12);
                var w = GradCheck.Random(21, 16, 8, 5, 5);
                var b = GradCheck.Random(22, 16);
                foreach (var t in new[] { x, w, b }) t.RequiresGrad = true;
                var y = Tensor.Conv2d(x, w, b, 1, 2);
                Tensor.Multiply(y, GradCheck.Random(23, y.Shape.ToArray())).Sum().Backward();
                return [y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray()];
            }
            var one = Run(1);
            var two = Run(2);
            var four = Run(4);
            for (int i = 0; i < one.Length; i++)
            {
                Assert.Equal(one[i], two[i]);
                Assert.Equal(one[i], four[i]);
            }
        }
        finally
        {
            ComputeThreads.Count = saved;
        }
    }

    [Theory]
    [InlineData(1, 0)]
    [InlineData(1, 2)]
    [InlineData(2, 1)]
    public void TheIm2ColPathMatchesTheDirectPath(int stride, int padding)
    {
        float[][] Run(bool direct)
        {
            ConvolutionKernels.DirectEnabled = direct;
            // 14 input and 40 output channels, 5x5: deep enough (350, 1000) for the direct kernels, with padded lanes.
            var x = GradCheck.Random(30, 3, 14, 11, 10);
            var w = GradCheck.Random(31, 40, 14, 5, 5);
            var b = GradCheck.Random(32, 40);
            foreach (var t in new[] { x, w, b }) t.RequiresGrad = true;
            var y = Tensor.Conv2d(x, w, b, stride, padding);
            Tensor.Multiply(y, GradCheck.Random(33, y.Shape.ToArray())).Sum().Backward();
            return [y.ToArray(), x.Grad!.ToArray(), w.Grad!.ToArray(), b.Grad!.ToArray()];
        }
        try
        {
            var direct = Run(true);
            var im2col = Run(false);
            for (int i = 0; i < direct.Length; i++)
                for (int j = 0; j < direct[i].Length; j++)
                    Assert.Equal(im2col[i][j], direct[i][j], 2e-4f * (1 + Math.Abs(im2col[i][j])));
            var expected = NaiveConv(GradCheck.Random(30, 3, 14, 11, 10), GradCheck.Random(31, 40, 14, 5, 5), GradCheck.Random(32, 40), stride, stride, padding, padding);
            for (int j = 0; j < expected.Length; j++) Assert.Equal(expected[j], direct[0][j], 1e-4f * (1 + Math.Abs(expected[j])));
        }
        finally
        {
            ConvolutionKernels.DirectEnabled = true;
        }
    }

    [Fact]
    public void DirectKernelGradientsMatchFiniteDifferences()
    {
        // Depth 15·3·3 = 135: the forward pass takes the direct kernel where the machine has it.
        var inputs = new[] { GradCheck.Random(37, 1, 15, 4, 4), GradCheck.Random(38, 16, 15, 3, 3), GradCheck.Random(39, 16) };
        Assert.True(ConvolutionKernels.UsesDirectForward(new Conv2dGeometry(1, 15, 4, 4, 16, 3, 3, 1, 1, 1, 1)) || !DirectConvolution.IsSupported);
        GradCheck.Check(t => Tensor.Conv2d(t[0], t[1], t[2], 1, 1), inputs);
    }

    [Fact]
    public void Im2ColGradientsMatchFiniteDifferences()
    {
        try
        {
            ConvolutionKernels.DirectEnabled = false;
            var inputs = new[] { GradCheck.Random(34, 2, 2, 6, 5), GradCheck.Random(35, 3, 2, 3, 3), GradCheck.Random(36, 3) };
            GradCheck.Check(t => Tensor.Conv2d(t[0], t[1], t[2], 1, 1), inputs);
            GradCheck.Check(t => Tensor.Conv2d(t[0], t[1], t[2], 2, 2), inputs);
        }
        finally
        {
            ConvolutionKernels.DirectEnabled = true;
        }
    }

    [Fact]
    public void InvalidShapesAreRejected()
    {
        var x = Tensor.Zeros(1, 3, 5, 5);
        Assert.Throws<ArgumentException>(() => Tensor.Conv2d(Tensor.Zeros(3, 5, 5), Tensor.Zeros(2, 3, 3, 3)));
        Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 2, 3, 3)));
        Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 3, 3), Tensor.Zeros(3)));
        Assert.Throws<ArgumentException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 7, 7)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 3, 3), null, stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Conv2d(x, Tensor.Zeros(2, 3, 3, 3), null, padding: -1));
    }

    [Fact]
    public void ModuleHasPyTorchDefaultsAndNames()
    {
        var conv = new Conv2d(4, 6, 3, new Rng(1), stride: 2, padding: 1);
        Assert.Equal(["weight", "bias"], conv.NamedParameters().Select(p => p.Name));
        Assert.Equal([6, 4, 3, 3], conv.Weight.Shape.ToArray());
        float bound = 1f / MathF.Sqrt(4 * 9);
        Assert.All(conv.Weight.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(conv.Bias!.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.True(conv.Weight.ToArray().Max() > 0.8f * bound);
        var y = conv.Forward(Tensor.Zeros(2, 4, 9, 9));
        Assert.Equal([2, 6, 5, 5], y.Shape.ToArray());
        Assert.Null(new Conv2d(1, 1, 1, new Rng(0), bias: false).Bias);
        Assert.Throws<ArgumentException>(() => conv.Forward(Tensor.Zeros(2, 3, 9, 9)));
        Assert.Equal(2, Conv2d.SamePadding(5));
    }

    [Fact]
    public void ATrainingStepAllocatesNothingAfterWarmUp()
    {
        var rng = new Rng(3);
        var model = new Sequential(new Conv2d(1, 4, 3, rng, padding: 1), new ReLU(), new MaxPool2d(2), new BatchNorm2d(4),
            new Conv2d(4, 4, 3, rng), new AvgPool2d(2), new Flatten(), new Linear(4 * 2 * 2, 3, rng));
        ParameterBlock.Flatten(model);
        var x = GradCheck.Random(4, 8, 1, 12, 12);
        int[] labels = [0, 1, 2, 0, 1, 2, 0, 1];
        var arena = new TensorArena();
        void Step()
        {
            using (arena.Activate())
            {
                foreach (var p in model.Parameters()) p.Grad = null;
                Losses.CrossEntropy(model.Forward(x), labels).Backward();
                arena.Reset();
            }
        }
        for (int i = 0; i < 3; i++) Step();
        long before = GC.GetAllocatedBytesForCurrentThread();
        Step();
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(allocated < 24 * 1024, $"a step allocated {allocated} bytes");
    }
}
