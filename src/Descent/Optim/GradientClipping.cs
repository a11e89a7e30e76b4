using Descent.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Optim;

/// <summary>
/// Gradient clipping applied by <see cref="Optimizer.Step()"/> before the update: by global norm (PyTorch's
/// <c>clip_grad_norm_</c>: every gradient scaled by max_norm / (norm + 1e-6) when the 2-norm over all of them
/// exceeds max_norm) or by value (<c>clip_grad_value_</c>: each element clamped to [−v, v]).
/// </summary>
public sealed record GradientClipping
{
    private GradientClipping(double? maxNorm, double? maxValue)
    {
        MaxNorm = maxNorm;
        MaxValue = maxValue;
    }

    /// <summary>The largest allowed global 2-norm, when clipping by norm.</summary>
    public double? MaxNorm { get; }

    /// <summary>The largest allowed magnitude of an element, when clipping by value.</summary>
    public double? MaxValue { get; }

    /// <summary>Clip by the global 2-norm of all gradients.</summary>
    public static GradientClipping ByNorm(double maxNorm) => new(Check.Positive(maxNorm, nameof(maxNorm), "maximum gradient norm"), null);

    /// <summary>Clip every element to [−<paramref name="maxValue"/>, <paramref name="maxValue"/>].</summary>
    public static GradientClipping ByValue(double maxValue) => new(null, Check.Positive(maxValue, nameof(maxValue), "maximum gradient value"));

    /// <summary>Clips <paramref name="grads"/> in place; returns the global 2-norm before clipping.</summary>
    public double Apply(IReadOnlyList<Tensor> grads)
    {
        double sumSquares = 0;
        foreach (var g in grads) sumSquares += Tensors.Kernels.Elementwise.SumOfSquaresDouble(g.Span);
        double norm = Math.Sqrt(sumSquares);
        if (MaxNorm is double maxNorm)
        {
            double coefficient = maxNorm / (norm + 1e-6);
            if (coefficient < 1)
                foreach (var g in grads) TP.Multiply(g.Span, (float)coefficient, g.Span);
        }
        if (MaxValue is double maxValue)
            foreach (var g in grads) TP.Clamp(g.Span, (float)-maxValue, (float)maxValue, g.Span);
        return norm;
    }
}
