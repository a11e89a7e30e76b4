using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// A fully connected layer y = x·Wᵀ + b, with the weight stored [out, in] as in PyTorch.
/// </summary>
/// <remarks>
/// Default initialization is PyTorch's: W by Kaiming uniform with a = √5 (that is U(±1/√in)), and b ~ U(±1/√in),
/// so a model starts like its PyTorch twin (the generators differ, the distributions do not).
/// </remarks>
public sealed class Linear : Module
{
    /// <summary>Creates the layer and initializes it from <paramref name="rng"/>.</summary>
    public Linear(int inFeatures, int outFeatures, Rng rng, bool bias = true)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inFeatures);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outFeatures);
        ArgumentNullException.ThrowIfNull(rng);
        InFeatures = inFeatures;
        OutFeatures = outFeatures;
        Weight = RegisterParameter("weight", Tensor.Zeros(outFeatures, inFeatures));
        Init.KaimingUniform(Weight, rng, a: MathF.Sqrt(5f));
        if (bias)
        {
            Bias = RegisterParameter("bias", Tensor.Zeros(outFeatures));
            float bound = 1f / MathF.Sqrt(inFeatures);
            Init.Uniform(Bias, rng, -bound, bound);
        }
    }

    /// <summary>The number of input features.</summary>
    public int InFeatures { get; }

    /// <summary>The number of output features.</summary>
    public int OutFeatures { get; }

    /// <summary>The weight, [out, in].</summary>
    public Tensor Weight { get; }

    /// <summary>The bias, [out], or null when the layer has none.</summary>
    public Tensor? Bias { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (input.Rank != 2 || input.Shape[1] != InFeatures)
            throw new ArgumentException($"Linear({InFeatures} -> {OutFeatures}) expects input [batch, {InFeatures}], got {input.Shape}", nameof(input));
        return Tensor.Linear(input, Weight, Bias);
    }
}
