using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// 2-D convolution (cross-correlation, as in PyTorch) of an NCHW batch: <paramref name="input"/> [N, C, H, W],
    /// <paramref name="weight"/> [OC, C, KH, KW], optional <paramref name="bias"/> [OC]; the output is
    /// [N, OC, OH, OW] with OH = ⌊(H + 2·padding − KH) / stride⌋ + 1 (and likewise OW). Zero padding.
    /// </summary>
    /// <remarks>
    /// Computed one sample per thread at a time, by a direct register-tiled kernel on AVX-512 machines (forward, and
    /// the input gradient at stride 1) and im2col + GEMM otherwise (and for the weight gradient); results are the
    /// same for any <see cref="Threading.ComputeThreads.Count"/>.
    /// </remarks>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0)
        => Conv2d(input, weight, bias, (stride, stride), (padding, padding));

    /// <summary>
    /// 2-D convolution with separate vertical and horizontal <paramref name="stride"/> and
    /// <paramref name="padding"/>; see <see cref="Conv2d(Tensor, Tensor, Tensor?, int, int)"/>.
    /// </summary>
    public static Tensor Conv2d(Tensor input, Tensor weight, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(weight);
        if (input.Rank != 4)
            throw new ArgumentException($"Conv2d: input must be [N, C, H, W], got {input.Shape}", nameof(input));
        if (weight.Rank != 4)
            throw new ArgumentException($"Conv2d: weight must be [out, in, kh, kw], got {weight.Shape}", nameof(weight));
        if (weight.Shape[1] != input.Shape[1])
            throw new ArgumentException($"Conv2d: weight {weight.Shape} expects {weight.Shape[1]} input channels but the input {input.Shape} has {input.Shape[1]}");
        if (bias is not null && (bias.Rank != 1 || bias.Length != weight.Shape[0]))
            throw new ArgumentException($"Conv2d: bias {bias.Shape} does not match {weight.Shape[0]} output channels", nameof(bias));
        if (stride.Height < 1 || stride.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "Conv2d: stride must be at least 1");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "Conv2d: padding must be non-negative");

        var g = new Conv2dGeometry(input.Shape[0], input.Shape[1], input.Shape[2], input.Shape[3], weight.Shape[0],
            weight.Shape[2], weight.Shape[3], stride.Height, stride.Width, padding.Height, padding.Width);
        if (input.Shape[2] + 2 * padding.Height < weight.Shape[2] || input.Shape[3] + 2 * padding.Width < weight.Shape[3])
            throw new ArgumentException($"Conv2d: the {weight.Shape[2]}x{weight.Shape[3]} kernel is larger than the padded input {input.Shape} (padding {padding})");

        var y = Uninitialized(new Shape(g.Batch, g.OutChannels, g.OutHeight, g.OutWidth));
        float[]? packed = null;
        if (ConvolutionKernels.UsesDirectForward(g))
        {
            packed = TensorArena.Allocate(g.ColumnRows * DirectConvolution.PaddedChannels(g.OutChannels));
            DirectConvolution.PackWeights(weight.Span, g.OutChannels, g.ColumnRows, packed);
        }
        ConvolutionKernels.Forward(g, input._storage, input._offset, weight._storage, weight._offset,
            bias?._storage, bias?._offset ?? 0, y._storage, y._offset, packed);
        if (!ShouldRecord(input, weight, bias)) return y;
        return y.Record("Conv2d", bias is null ? [input, weight] : [input, weight, bias], grad =>
        {
            float[]? dx = null;
            int dxOffset = 0;
            bool accumulateDx = false;
            if (input.RequiresGrad)
            {
                var gx = input.GradForWrite(out accumulateDx);
                dx = gx._storage;
                dxOffset = gx._offset;
            }
            int groups = ConvolutionKernels.WeightGradientGroups(g.Batch);
            int weightSize = g.OutChannels * g.ColumnRows;
            float[]? weightPartials = weight.RequiresGrad ? TensorArena.Allocate(groups * weightSize) : null;
            float[]? biasPartials = bias is not null && bias.RequiresGrad ? TensorArena.Allocate(g.Batch * g.OutChannels) : null;
            ConvolutionKernels.Backward(g, input._storage, input._offset, weight._storage, weight._offset, grad._storage, grad._offset,
                dx, dxOffset, accumulateDx, weightPartials, biasPartials);
            if (weightPartials is not null)
            {
                var gw = weight.GradForWrite(out bool accumulate);
                ConvolutionKernels.SumPartials(weightPartials, groups, weightSize, gw.Span, accumulate);
            }
            if (biasPartials is not null)
            {
                var gb = bias!.GradForWrite(out bool accumulate);
                ConvolutionKernels.SumPartials(biasPartials, g.Batch, g.OutChannels, gb.Span, accumulate);
            }
        });
    }
}
