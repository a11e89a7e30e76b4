using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// 2-D average pooling over NCHW batches, as PyTorch's nn.AvgPool2d: a square window, stride defaulting to the
/// window, zero padding of at most half the window (counted in the divisor unless countIncludePad is false), and
/// optional ceil mode.
/// </summary>
public sealed class AvgPool2d : Module
{
    /// <summary>Creates the layer.</summary>
    public AvgPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false, bool countIncludePad = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        if (stride is < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be at least 1");
        if (padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be between 0 and half the window");
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        CeilMode = ceilMode;
        CountIncludePad = countIncludePad;
    }

    /// <summary>The window size.</summary>
    public int KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public int Stride { get; }

    /// <summary>The padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Whether the output size is rounded up.</summary>
    public bool CeilMode { get; }

    /// <summary>Whether padded zeros count in the divisor.</summary>
    public bool CountIncludePad { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.AvgPool2d(KernelSize, Stride, Padding, CeilMode, CountIncludePad);
}
