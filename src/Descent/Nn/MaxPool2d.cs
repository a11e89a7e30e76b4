using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// 2-D max pooling over NCHW batches, as PyTorch's nn.MaxPool2d: a square window, stride defaulting to the
/// window, −∞ padding of at most half the window, and optional ceil mode.
/// </summary>
/// <remarks>
/// TensorFlow's 'SAME' pooling pads only at the bottom and right when the padding needed is 1, which is
/// <c>ceilMode: true</c> with no padding: DeepOBS's 3×3 stride-2 pools on even sizes are exactly that.
/// </remarks>
public sealed class MaxPool2d : Module
{
    /// <summary>Creates the layer.</summary>
    public MaxPool2d(int kernelSize, int? stride = null, int padding = 0, bool ceilMode = false)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(kernelSize);
        if (stride is < 1) throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be at least 1");
        if (padding < 0 || 2 * padding > kernelSize)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be between 0 and half the window");
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
        CeilMode = ceilMode;
    }

    /// <summary>The window size.</summary>
    public int KernelSize { get; }

    /// <summary>The step between windows.</summary>
    public int Stride { get; }

    /// <summary>The padding on each side.</summary>
    public int Padding { get; }

    /// <summary>Whether the output size is rounded up.</summary>
    public bool CeilMode { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => input.MaxPool2d(KernelSize, Stride, Padding, CeilMode);
}
