using Descent.Tensors;

namespace Descent.Nn;

/// <summary>Which fan scales the variance in He/Kaiming initialization.</summary>
public enum FanMode
{
    /// <summary>The number of inputs: preserves the variance of activations in the forward pass.</summary>
    FanIn,
    /// <summary>The number of outputs: preserves the variance of gradients in the backward pass.</summary>
    FanOut,
}

/// <summary>The nonlinearity that follows a layer, for <see cref="Init.Gain"/>.</summary>
public enum Nonlinearity
{
    /// <summary>Identity or linear: gain 1.</summary>
    Linear,
    /// <summary>Sigmoid: gain 1.</summary>
    Sigmoid,
    /// <summary>Tanh: gain 5/3.</summary>
    Tanh,
    /// <summary>ReLU: gain √2.</summary>
    Relu,
    /// <summary>Leaky ReLU with negative slope a: gain √(2 / (1 + a²)).</summary>
    LeakyRelu,
}

/// <summary>
/// Weight initializers with PyTorch's definitions (torch.nn.init): Xavier/Glorot (Glorot and Bengio, 2010) and
/// He/Kaiming (He et al., 2015), uniform and normal. Each fills the tensor in place from the given generator.
/// </summary>
public static class Init
{
    /// <summary>The recommended gain for a nonlinearity; <paramref name="negativeSlope"/> is used by LeakyRelu.</summary>
    public static float Gain(Nonlinearity nonlinearity, float negativeSlope = 0.01f) => nonlinearity switch
    {
        Nonlinearity.Linear or Nonlinearity.Sigmoid => 1f,
        Nonlinearity.Tanh => 5f / 3f,
        Nonlinearity.Relu => MathF.Sqrt(2f),
        Nonlinearity.LeakyRelu => MathF.Sqrt(2f / (1f + negativeSlope * negativeSlope)),
        _ => throw new ArgumentOutOfRangeException(nameof(nonlinearity), nonlinearity, "unknown nonlinearity"),
    };

    /// <summary>
    /// (fan_in, fan_out) of a weight stored [out, in, k...]: in·k... and out·k..., as PyTorch computes them.
    /// </summary>
    public static (int FanIn, int FanOut) Fans(Tensor weight)
    {
        if (weight.Rank < 2)
            throw new ArgumentException($"fan in and fan out need a tensor of at least 2 dimensions, got {weight.Shape}", nameof(weight));
        int receptive = 1;
        for (int i = 2; i < weight.Rank; i++) receptive *= weight.Shape[i];
        return (weight.Shape[1] * receptive, weight.Shape[0] * receptive);
    }

    /// <summary>Fills with U(<paramref name="low"/>, <paramref name="high"/>).</summary>
    public static void Uniform(Tensor tensor, Rng rng, float low, float high)
    {
        if (!(low <= high)) throw new ArgumentException($"uniform bounds are reversed: low {low} > high {high}", nameof(low));
        var span = tensor.Span;
        for (int i = 0; i < span.Length; i++) span[i] = rng.Uniform(low, high);
    }

    /// <summary>Fills with N(<paramref name="mean"/>, <paramref name="std"/>²).</summary>
    public static void Normal(Tensor tensor, Rng rng, float mean, float std)
    {
        if (!(std >= 0)) throw new ArgumentOutOfRangeException(nameof(std), std, "standard deviation must be non-negative");
        var span = tensor.Span;
        for (int i = 0; i < span.Length; i++) span[i] = mean + std * rng.NextNormal();
    }

    /// <summary>Fills with a constant.</summary>
    public static void Constant(Tensor tensor, float value) => tensor.Span.Fill(value);

    /// <summary>Xavier/Glorot uniform: U(±a) with a = gain·√(6 / (fan_in + fan_out)).</summary>
    public static void XavierUniform(Tensor weight, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(weight);
        float bound = gain * MathF.Sqrt(6f / (fanIn + fanOut));
        Uniform(weight, rng, -bound, bound);
    }

    /// <summary>Xavier/Glorot normal: N(0, σ²) with σ = gain·√(2 / (fan_in + fan_out)).</summary>
    public static void XavierNormal(Tensor weight, Rng rng, float gain = 1f)
    {
        var (fanIn, fanOut) = Fans(weight);
        Normal(weight, rng, 0f, gain * MathF.Sqrt(2f / (fanIn + fanOut)));
    }

    /// <summary>
    /// He/Kaiming uniform: U(±b) with b = gain·√(3 / fan), gain from <paramref name="nonlinearity"/> and
    /// <paramref name="a"/> (the leaky slope). PyTorch's default for Linear is a = √5 with LeakyRelu.
    /// </summary>
    public static void KaimingUniform(Tensor weight, Rng rng, float a = 0f, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
    {
        float std = KaimingStd(weight, a, mode, nonlinearity);
        float bound = MathF.Sqrt(3f) * std;
        Uniform(weight, rng, -bound, bound);
    }

    /// <summary>He/Kaiming normal: N(0, σ²) with σ = gain / √fan.</summary>
    public static void KaimingNormal(Tensor weight, Rng rng, float a = 0f, FanMode mode = FanMode.FanIn, Nonlinearity nonlinearity = Nonlinearity.LeakyRelu)
        => Normal(weight, rng, 0f, KaimingStd(weight, a, mode, nonlinearity));

    private static float KaimingStd(Tensor weight, float a, FanMode mode, Nonlinearity nonlinearity)
    {
        var (fanIn, fanOut) = Fans(weight);
        int fan = mode == FanMode.FanIn ? fanIn : fanOut;
        if (fan == 0) throw new ArgumentException($"cannot initialize a tensor with zero fan ({weight.Shape})", nameof(weight));
        return Gain(nonlinearity, a) / MathF.Sqrt(fan);
    }
}
