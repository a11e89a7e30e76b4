using Descent.Autograd;
using Descent.Tensors;
using Descent.Tensors.Kernels;

namespace Descent.Nn;

/// <summary>
/// Penalty terms added to a loss, as DeepOBS adds them: regularization that is part of the objective, distinct
/// from an optimizer's weight decay (which changes the update rule and never shows in the loss).
/// </summary>
public static class Regularization
{
    /// <summary>
    /// The L2 penalty ½·<paramref name="coefficient"/>·Σ‖w‖² over <paramref name="parameters"/>, as a scalar
    /// tensor to add to the loss. Its gradient is <paramref name="coefficient"/>·w for each parameter, so with plain
    /// SGD it matches weight decay of the same coefficient.
    /// </summary>
    /// <remarks>
    /// The ½ is DeepOBS's convention: its TensorFlow problems use <c>tf.contrib.layers.l2_regularizer(c)</c>, which is
    /// c·<c>tf.nn.l2_loss(w)</c> = c·Σw²/2, and its PyTorch problems add 0.5·Σ c·‖w‖². DeepOBS's cifar10_3c3d uses
    /// c = 0.002 on the weights of every convolution and dense layer, not on the biases. The sum of squares is
    /// accumulated in double.
    /// </remarks>
    /// <param name="parameters">The parameters to penalize (for example the ones whose name ends in "weight").</param>
    /// <param name="coefficient">c ≥ 0.</param>
    public static Tensor L2(IEnumerable<NamedParameter> parameters, double coefficient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        return L2(parameters.Select(p => p.Value), coefficient);
    }

    /// <inheritdoc cref="L2(IEnumerable{NamedParameter}, double)"/>
    public static Tensor L2(IEnumerable<Tensor> parameters, double coefficient)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (!(coefficient >= 0) || double.IsInfinity(coefficient))
            throw new ArgumentOutOfRangeException(nameof(coefficient), coefficient, "the L2 coefficient must be finite and non-negative");
        Tensor[] tensors = [.. parameters];
        double sum = 0;
        foreach (var t in tensors) sum += Elementwise.SumOfSquaresDouble(t.Span);
        var penalty = Tensor.Scalar((float)(0.5 * coefficient * sum));
        if (!GradMode.IsEnabled || !tensors.Any(t => t.RequiresGrad)) return penalty;
        float c = (float)coefficient;
        return penalty.Record("L2Penalty", tensors, g =>
        {
            float scale = g.Span[0] * c;
            foreach (var t in tensors)
            {
                if (!t.RequiresGrad) continue;
                var grad = t.GradForWrite(out bool accumulate);
                if (accumulate) Elementwise.AddScaled(grad.Span, t.Span, scale, grad.Span);
                else Elementwise.Multiply(t.Span, scale, grad.Span);
            }
        });
    }

    /// <summary>
    /// The parameters of <paramref name="model"/> whose last name component is "weight" and that have at least two
    /// dimensions: the weights of linear and convolution layers, not biases or normalization scales.
    /// </summary>
    public static IEnumerable<NamedParameter> Weights(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        return model.NamedParameters().Where(p => p.Value.Rank >= 2 && (p.Name == "weight" || p.Name.EndsWith(".weight", StringComparison.Ordinal)));
    }
}
