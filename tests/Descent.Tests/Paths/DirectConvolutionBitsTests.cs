using Descent.Tensors.Kernels;

namespace Descent.Tests.Paths;

/// <summary>
/// The direct convolution (taken on AVX-512 machines) gives the bits of im2col + GEMM (taken elsewhere), including
/// depths cut into several GEMM depth blocks. Where the machine lacks AVX-512, .NET runs the direct kernel's
/// Vector512 code in software, with the same results.
/// </summary>
[Trait("Category", "Paths")]
public class DirectConvolutionBitsTests
{
    [Theory]
    [InlineData(24, 48, 5, 2, 1, true)]   // depth 600: two depth blocks; tiles 12×32 and 12×16
    [InlineData(24, 48, 5, 2, 1, false)]
    [InlineData(16, 64, 3, 1, 1, true)]   // depth 144: one block; 6×64 tiles
    [InlineData(9, 16, 4, 0, 2, true)]    // depth 144 at stride 2 without padding
    [InlineData(60, 20, 3, 1, 1, false)]  // depth 540: two blocks; padded channels
    public void DirectForwardEqualsIm2ColGemm(int inChannels, int outChannels, int kernel, int pad, int stride, bool withBias)
    {
        var rng = new Rng(21);
        var g = new Conv2dGeometry(2, inChannels, 7, 8, outChannels, kernel, kernel, stride, stride, pad, pad);
        float[] x = Random(rng, g.Batch * g.InputSize);
        float[] w = Random(rng, outChannels * g.ColumnRows);
        float[]? bias = withBias ? Random(rng, outChannels) : null;
        var packed = new float[g.ColumnRows * DirectConvolution.PaddedChannels(outChannels)];
        DirectConvolution.PackWeights(w, outChannels, g.ColumnRows, packed);

        var direct = new float[g.Batch * g.OutputSize];
        var im2col = new float[g.Batch * g.OutputSize];
        ConvolutionKernels.Forward(g, x, 0, w, 0, bias, 0, direct, 0, packed);
        ConvolutionKernels.Forward(g, x, 0, w, 0, bias, 0, im2col, 0, null);
        Widths.AssertSameBits(im2col, direct, $"conv {inChannels}->{outChannels} {kernel}x{kernel} pad {pad} stride {stride} bias {withBias}");
    }

    private static float[] Random(Rng rng, int n) => Enumerable.Range(0, n).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
}
