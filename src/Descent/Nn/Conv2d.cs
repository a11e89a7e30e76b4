using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// A 2-D convolution layer over NCHW batches: input [N, in, H, W] to output [N, out, OH, OW], with the weight
/// stored [out, in, kh, kw] and an optional bias [out], as in PyTorch's nn.Conv2d (zero padding, no dilation or
/// groups).
/// </summary>
/// <remarks>
/// Default initialization is PyTorch's: the weight by Kaiming uniform with a = √5 (that is U(±1/√fan_in), with
/// fan_in = in·kh·kw) and the bias U(±1/√fan_in). Re-initialize with <see cref="Init"/> for other schemes
/// (DeepOBS's problems use Xavier uniform weights and zero biases).
/// </remarks>
public sealed class Conv2d : Module
{
    /// <summary>Creates a layer with a square kernel, the same stride and padding in both directions.</summary>
    public Conv2d(int inChannels, int outChannels, int kernelSize, Rng rng, int stride = 1, int padding = 0, bool bias = true)
        : this(inChannels, outChannels, (kernelSize, kernelSize), rng, (stride, stride), (padding, padding), bias)
    {
    }

    /// <summary>Creates a layer with the given kernel size, stride and zero padding (height, width).</summary>
    public Conv2d(int inChannels, int outChannels, (int Height, int Width) kernelSize, Rng rng,
        (int Height, int Width) stride, (int Height, int Width) padding, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inChannels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outChannels);
        ArgumentNullException.ThrowIfNull(rng);
        if (kernelSize.Height < 1 || kernelSize.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "the kernel must be at least 1x1");
        if (stride.Height < 1 || stride.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), stride, "stride must be at least 1");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), padding, "padding must be non-negative");
        InChannels = inChannels;
        OutChannels = outChannels;
        KernelSize = kernelSize;
        Stride = stride;
        Padding = padding;
        Weight = RegisterParameter("weight", Tensor.Zeros(outChannels, inChannels, kernelSize.Height, kernelSize.Width));
        Init.KaimingUniform(Weight, rng, a: MathF.Sqrt(5f));
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outChannels));
            float bound = 1f / MathF.Sqrt(Init.Fans(Weight).FanIn);
            Init.Uniform(Bias, rng, -bound, bound);
        }
    }

    /// <summary>
    /// The padding that keeps the spatial size at stride 1 for an odd <paramref name="kernelSize"/> ("same"
    /// padding in TensorFlow): (kernelSize − 1) / 2.
    /// </summary>
    public static int SamePadding(int kernelSize)
    {
        if (kernelSize < 1 || kernelSize % 2 == 0)
            throw new ArgumentOutOfRangeException(nameof(kernelSize), kernelSize, "symmetric 'same' padding needs an odd kernel size");
        return (kernelSize - 1) / 2;
    }

    /// <summary>The number of input channels.</summary>
    public int InChannels { get; }

    /// <summary>The number of output channels.</summary>
    public int OutChannels { get; }

    /// <summary>The kernel size (height, width).</summary>
    public (int Height, int Width) KernelSize { get; }

    /// <summary>The stride (height, width).</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>The zero padding added on each side (height, width).</summary>
    public (int Height, int Width) Padding { get; }

    /// <summary>The weight, [out, in, kh, kw].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, [out], or null when the layer has none.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 4 || input.Shape[1] != InChannels)
            throw new ArgumentException($"Conv2d({InChannels} -> {OutChannels}) expects input [batch, {InChannels}, height, width], got {input.Shape}", nameof(input));
        return Tensor.Conv2d(input, Weight, Bias, Stride, Padding);
    }
}
