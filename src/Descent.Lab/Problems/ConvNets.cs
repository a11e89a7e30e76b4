using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Problems;

/// <summary>
/// DeepOBS's 2c2d network (Schneider et al., 2019) for 28×28 grey images: conv 5×5×32 "same" + ReLU + max-pool
/// 2/2, conv 5×5×64 "same" + ReLU + max-pool 2/2, dense 1024 + ReLU, dense to the classes.
/// </summary>
/// <remarks>
/// Initialization is DeepOBS's: weights from a normal of standard deviation 0.05 truncated at two standard
/// deviations, biases 0.05. Layer names follow DeepOBS's PyTorch model: "conv1", "conv2", "dense1", "dense2".
/// Input [N, 1, 28, 28] (a flat [N, 784] batch is reshaped).
/// </remarks>
public sealed class Net2c2d : Module
{
    private readonly Conv2d _conv1, _conv2;
    private readonly Linear _dense1, _dense2;

    /// <summary>
    /// Creates the network, initialized from <paramref name="rng"/>: DeepOBS's initialization, or with
    /// <paramref name="deepObsInitialization"/> false PyTorch's layer defaults (as a plain nn.Conv2d/nn.Linear model).
    /// </summary>
    public Net2c2d(int classes, Rng rng, bool deepObsInitialization = true)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(1, 32, 5, rng, padding: 2));
        _conv2 = RegisterModule("conv2", new Conv2d(32, 64, 5, rng, padding: 2));
        _dense1 = RegisterModule("dense1", new Linear(7 * 7 * 64, 1024, rng));
        _dense2 = RegisterModule("dense2", new Linear(1024, classes, rng));
        if (!deepObsInitialization) return;
        foreach (var (name, p) in NamedParameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) Init.Constant(p, 0.05f);
            else ConvInit.TruncatedNormal(p, rng, 0.05f);
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input.Rank == 4 ? input : input.Reshape(-1, 1, 28, 28);
        x = _conv1.Forward(x).Relu().MaxPool2d(2);
        x = _conv2.Forward(x).Relu().MaxPool2d(2);
        x = _dense1.Forward(x.Flatten()).Relu();
        return _dense2.Forward(x);
    }
}

/// <summary>
/// DeepOBS's 3c3d network for 32×32 colour images: conv 5×5×64 "valid", max-pool 3/2, conv 3×3×96 "valid",
/// max-pool 3/2, conv 3×3×128 "same", max-pool 3/2, dense 512, dense 256, dense to the classes, ReLU after every
/// layer but the last.
/// </summary>
/// <remarks>
/// The pools are TensorFlow 'SAME' pools, which on these even sizes (28, 12, 6) pad one row and column at the
/// bottom and right only: PyTorch's ceil mode without padding, which is what is used (28 → 14 → 12 → 6 → 6 → 3,
/// so 3·3·128 = 1152 features reach the dense layers). Weights are Xavier uniform, biases 0, as in DeepOBS.
/// Layer names follow DeepOBS's PyTorch model: "conv1" … "conv3", "dense1" … "dense3".
/// </remarks>
public sealed class Net3c3d : Module
{
    private readonly Conv2d _conv1, _conv2, _conv3;
    private readonly Linear _dense1, _dense2, _dense3;

    /// <summary>Creates the network, initialized from <paramref name="rng"/>.</summary>
    public Net3c3d(int classes, Rng rng)
    {
        _conv1 = RegisterModule("conv1", new Conv2d(3, 64, 5, rng));
        _conv2 = RegisterModule("conv2", new Conv2d(64, 96, 3, rng));
        _conv3 = RegisterModule("conv3", new Conv2d(96, 128, 3, rng, padding: 1));
        _dense1 = RegisterModule("dense1", new Linear(3 * 3 * 128, 512, rng));
        _dense2 = RegisterModule("dense2", new Linear(512, 256, rng));
        _dense3 = RegisterModule("dense3", new Linear(256, classes, rng));
        foreach (var (name, p) in NamedParameters())
        {
            if (name.EndsWith(".bias", StringComparison.Ordinal)) Init.Constant(p, 0f);
            else Init.XavierUniform(p, rng);
        }
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input.Rank == 4 ? input : input.Reshape(-1, 3, 32, 32);
        x = _conv1.Forward(x).Relu().MaxPool2d(3, 2, ceilMode: true);
        x = _conv2.Forward(x).Relu().MaxPool2d(3, 2, ceilMode: true);
        x = _conv3.Forward(x).Relu().MaxPool2d(3, 2, ceilMode: true);
        x = _dense1.Forward(x.Flatten()).Relu();
        x = _dense2.Forward(x).Relu();
        return _dense3.Forward(x);
    }
}

/// <summary>Initializers DeepOBS uses that <see cref="Init"/> does not provide.</summary>
internal static class ConvInit
{
    /// <summary>
    /// N(0, <paramref name="std"/>²) truncated at ±2·<paramref name="std"/> by redrawing, as TensorFlow's
    /// truncated_normal_initializer.
    /// </summary>
    public static void TruncatedNormal(Tensor tensor, Rng rng, float std)
    {
        var span = tensor.Span;
        for (int i = 0; i < span.Length; i++)
        {
            float z;
            do z = rng.NextNormal(); while (z < -2f || z > 2f);
            span[i] = std * z;
        }
    }
}
