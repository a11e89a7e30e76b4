using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// 2-D max pooling of an NCHW tensor with a square window, as PyTorch's <c>max_pool2d</c>:
    /// <paramref name="stride"/> defaults to the window size; <paramref name="padding"/> (at most half the window)
    /// pads with −∞; <paramref name="ceilMode"/> rounds the output size up, keeping a last partial window that
    /// starts inside the input. The gradient goes to the first maximum of each window.
    /// </summary>
    public Tensor MaxPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false)
        => MaxPool2d((kernelSize, kernelSize), stride is int s ? (s, s) : (kernelSize, kernelSize), (padding, padding), ceilMode);

    /// <summary>2-D max pooling with separate heights and widths; see <see cref="MaxPool2d(int, int?, int, bool)"/>.</summary>
    public Tensor MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width) stride, (int Height, int Width) padding, bool ceilMode = false)
    {
        var x = this;
        var g = PoolGeometry(x, kernelSize, stride, padding, ceilMode, "MaxPool2d");
        var y = Uninitialized(new Shape(x.Shape[0], x.Shape[1], g.OutHeight, g.OutWidth));
        bool record = ShouldRecord(x);
        float[]? indices = record ? TensorArena.Allocate(y.Length) : null;
        PoolingKernels.MaxForward(g, x._storage, x._offset, y._storage, y._offset, indices);
        if (!record) return y;
        return y.Record("MaxPool2d", [x], grad =>
        {
            var gx = x.GradForWrite(out bool accumulate);
            PoolingKernels.MaxBackward(g, grad._storage, grad._offset, indices!, gx._storage, gx._offset, accumulate);
        });
    }

    /// <summary>
    /// 2-D average pooling of an NCHW tensor with a square window, as PyTorch's <c>avg_pool2d</c>:
    /// <paramref name="stride"/> defaults to the window size; <paramref name="padding"/> (at most half the window)
    /// pads with zeros, which count in the divisor unless <paramref name="countIncludePad"/> is false;
    /// <paramref name="ceilMode"/> rounds the output size up.
    /// </summary>
    public Tensor AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
        => AvgPool2d((kernelSize, kernelSize), stride is int s ? (s, s) : (kernelSize, kernelSize), (padding, padding), ceilMode, countIncludePad);

    /// <summary>2-D average pooling with separate heights and widths; see <see cref="AvgPool2d(int, int?, int, bool, bool)"/>.</summary>
    public Tensor AvgPool2d((int Height, int Width) kernelSize, (int Height, int Width) stride, (int Height, int Width) padding,
        bool ceilMode = false, bool countIncludePad = true)
    {
        var x = this;
        var g = PoolGeometry(x, kernelSize, stride, padding, ceilMode, "AvgPool2d");
        var y = Uninitialized(new Shape(x.Shape[0], x.Shape[1], g.OutHeight, g.OutWidth));
        PoolingKernels.AverageForward(g, x._storage, x._offset, y._storage, y._offset, countIncludePad);
        if (!ShouldRecord(x)) return y;
        return y.Record("AvgPool2d", [x], grad =>
        {
            var gx = x.GradForWrite(out bool accumulate);
            PoolingKernels.AverageBackward(g, grad._storage, grad._offset, gx._storage, gx._offset, countIncludePad, accumulate);
        });
    }

    private static Pool2dGeometry PoolGeometry(Tensor x, (int Height, int Width) kernel, (int Height, int Width) stride,
        (int Height, int Width) padding, bool ceilMode, string op)
    {
        if (x.Rank != 4)
            throw new ArgumentException($"{op}: input must be [N, C, H, W], got {x.Shape}");
        if (kernel.Height < 1 || kernel.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(kernel), kernel, $"{op}: the window must be at least 1x1");
        if (stride.Height < 1 || stride.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, $"{op}: stride must be at least 1");
        if (padding.Height < 0 || padding.Width < 0 || 2 * padding.Height > kernel.Height || 2 * padding.Width > kernel.Width)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, $"{op}: padding must be between 0 and half the window {kernel}");
        var g = new Pool2dGeometry(x.Shape[0] * x.Shape[1], x.Shape[2], x.Shape[3], kernel.Height, kernel.Width,
            stride.Height, stride.Width, padding.Height, padding.Width, ceilMode);
        if (g.OutHeight < 1 || g.OutWidth < 1)
            throw new ArgumentException($"{op}: the {kernel.Height}x{kernel.Width} window does not fit the input {x.Shape} with padding {padding}");
        return g;
    }
}
