using Descent.Nn;
using Descent.Tensors;
using Descent.Tests.Autograd;
using Descent.Tests.Threading;
using Descent.Threading;

namespace Descent.Tests.Nn;

[Collection(ComputeThreadsCollection.Name)]
public class PoolingTests
{
    private static int OutSize(int input, int k, int s, int p, bool ceil)
    {
        int span = input + 2 * p - k;
        int size = (ceil ? (span + s - 1) / s : span / s) + 1;
        if (ceil && (size - 1) * s >= input + p) size--;
        return size;
    }

    /// <summary>PyTorch's definitions, written out: max over the window inside the input; mean with its divisor rule.</summary>
    private static float[] NaivePool(Tensor x, int k, int s, int p, bool ceil, bool max, bool countIncludePad)
    {
        int n = x.Shape[0], c = x.Shape[1], h = x.Shape[2], w = x.Shape[3];
        int oh = OutSize(h, k, s, p, ceil), ow = OutSize(w, k, s, p, ceil);
        var y = new List<float>();
        for (int b = 0; b < n; b++)
            for (int ch = 0; ch < c; ch++)
                for (int i = 0; i < oh; i++)
                    for (int j = 0; j < ow; j++)
                    {
                        int r0 = i * s - p, c0 = j * s - p;
                        int r1 = Math.Min(r0 + k, h + p), c1 = Math.Min(c0 + k, w + p);
                        int padded = (r1 - r0) * (c1 - c0);
                        double best = double.NegativeInfinity, sum = 0;
                        int inside = 0;
                        for (int r = Math.Max(r0, 0); r < Math.Min(r1, h); r++)
                            for (int q = Math.Max(c0, 0); q < Math.Min(c1, w); q++)
                            {
                                best = Math.Max(best, x[b, ch, r, q]);
                                sum += x[b, ch, r, q];
                                inside++;
                            }
                        y.Add(max ? (float)best : (float)(sum / (countIncludePad ? padded : inside)));
                    }
        return [.. y];
    }

    public static TheoryData<int, int, int, bool> Windows => new()
    {
        { 2, 2, 0, false },
        { 3, 2, 0, true },
        { 3, 2, 1, false },
        { 3, 1, 1, false },
        { 2, 3, 1, true },
        { 3, 3, 0, true },
    };

    [Theory]
    [MemberData(nameof(Windows))]
    public void MaxForwardMatchesTheDefinition(int k, int s, int p, bool ceil)
    {
        var x = GradCheck.Random(1, 2, 3, 7, 8);
        Assert.Equal(NaivePool(x, k, s, p, ceil, max: true, countIncludePad: true), x.MaxPool2d(k, s, p, ceil).ToArray());
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void AverageForwardMatchesTheDefinition(int k, int s, int p, bool ceil)
    {
        var x = GradCheck.Random(2, 2, 3, 7, 8);
        foreach (bool include in new[] { true, false })
        {
            var expected = NaivePool(x, k, s, p, ceil, max: false, countIncludePad: include);
            var actual = x.AvgPool2d(k, s, p, ceil, include).ToArray();
            Assert.Equal(expected.Length, actual.Length);
            for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-5f);
        }
    }

    /// <summary>Distinct values at least 0.05 apart, so a finite-difference step of 0.01 never changes which one is the maximum.</summary>
    private static Tensor Separated(ulong seed, params int[] shape)
    {
        var t = Tensor.Zeros(shape);
        var order = Enumerable.Range(0, t.Length).ToArray();
        new Rng(seed).Shuffle(order.AsSpan());
        for (int i = 0; i < order.Length; i++) t.Span[order[i]] = -1f + 0.05f * i;
        return t;
    }

    [Theory]
    [MemberData(nameof(Windows))]
    public void MaxGradientsMatchFiniteDifferences(int k, int s, int p, bool ceil) =>
        GradCheck.Check(t => t[0].MaxPool2d(k, s, p, ceil), [Separated(3, 2, 2, 6, 7)]);

    [Theory]
    [MemberData(nameof(Windows))]
    public void AverageGradientsMatchFiniteDifferences(int k, int s, int p, bool ceil)
    {
        GradCheck.Check(t => t[0].AvgPool2d(k, s, p, ceil), [GradCheck.Random(4, 2, 2, 6, 7)]);
        GradCheck.Check(t => t[0].AvgPool2d(k, s, p, ceil, countIncludePad: false), [GradCheck.Random(5, 1, 2, 5, 6)]);
    }

    [Theory]
    [InlineData(2, 3, 10, 30)]
    [InlineData(1, 2, 6, 11)]
    [InlineData(1, 1, 4, 16)]
    [InlineData(3, 2, 9, 9)]
    public void TwoByTwoPoolingMatchesTheScanOrderDefinitionWithTiesAndNaNs(int n, int c, int h, int w)
    {
        var x = Tensor.Zeros(n, c, h, w);
        var rng = new Rng(11);
        for (int i = 0; i < x.Length; i++) x.Span[i] = rng.NextInt(40) == 0 ? float.NaN : rng.NextInt(3);
        x.RequiresGrad = true;
        var y = x.MaxPool2d(2);
        var weights = GradCheck.Random(12, y.Shape.ToArray());
        Tensor.Multiply(y, weights).Sum().Backward();
        int oh = h / 2, ow = w / 2;
        var expectedGrad = new float[x.Length];
        var yv = y.ToArray();
        for (int plane = 0; plane < n * c; plane++)
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++)
                {
                    float max = float.NegativeInfinity;
                    int best = -1;
                    foreach (var (r, q) in new[] { (0, 0), (0, 1), (1, 0), (1, 1) })
                    {
                        int at = plane * h * w + (2 * i + r) * w + 2 * j + q;
                        float v = x.Span[at];
                        if (best < 0 || v > max || float.IsNaN(v)) { max = v; best = at; }
                    }
                    int o = (plane * oh + i) * ow + j;
                    Assert.Equal(max, yv[o]);
                    expectedGrad[best] += weights.Span[o];
                }
        Assert.Equal(expectedGrad, x.Grad!.ToArray());
    }

    [Fact]
    public void TiesSendTheGradientToTheFirstMaximum()
    {
        var x = Tensor.Full(1f, 1, 1, 2, 2);
        x.RequiresGrad = true;
        x.MaxPool2d(2).Sum().Backward();
        Assert.Equal([1f, 0f, 0f, 0f], x.Grad!.ToArray());
    }

    [Fact]
    public void OverlappingWindowsAddTheirGradients()
    {
        var x = Tensor.FromArray([0f, 0f, 5f, 0f, 0f], 1, 1, 1, 5);
        x.RequiresGrad = true;
        x.MaxPool2d((1, 3), (1, 1), (0, 0)).Sum().Backward();
        Assert.Equal([0f, 0f, 3f, 0f, 0f], x.Grad!.ToArray());
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
                var x = GradCheck.Random(6, 9, 7, 13, 13);
                x.RequiresGrad = true;
                var y = x.MaxPool2d(3, 2, 1) + x.AvgPool2d(3, 2, 1, ceilMode: true);
                Tensor.Multiply(y, GradCheck.Random(7, y.Shape.ToArray())).Sum().Backward();
                return [y.ToArray(), x.Grad!.ToArray()];
            }
            var one = Run(1);
            var two = Run(2);
            Assert.Equal(one[0], two[0]);
            Assert.Equal(one[1], two[1]);
        }
        finally
        {
            ComputeThreads.Count = saved;
        }
    }

    [Fact]
    public void ModulesPoolAndValidate()
    {
        var x = GradCheck.Random(8, 2, 3, 28, 28);
        Assert.Equal([2, 3, 14, 14], new MaxPool2d(2).Forward(x).Shape.ToArray());
        Assert.Equal([2, 3, 14, 14], new MaxPool2d(3, 2, ceilMode: true).Forward(x).Shape.ToArray());
        Assert.Equal([2, 3, 13, 13], new MaxPool2d(3, 2).Forward(x).Shape.ToArray());
        Assert.Equal([2, 3, 9, 9], new AvgPool2d(3).Forward(x).Shape.ToArray());
        Assert.Empty(new MaxPool2d(2).NamedParameters());
        Assert.Throws<ArgumentOutOfRangeException>(() => new MaxPool2d(2, padding: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => new AvgPool2d(0));
        Assert.Throws<ArgumentException>(() => x.MaxPool2d(30));
        Assert.Throws<ArgumentException>(() => Tensor.Zeros(3, 4, 4).MaxPool2d(2));
    }
}
