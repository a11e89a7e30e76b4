using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Lab.Explain;

/// <summary>One step of the explain demonstration: the parameter, its gradient, and every state buffer after the step.</summary>
public sealed record ExplainStep(int Step, float[] Gradient, float[] Parameter, IReadOnlyDictionary<string, float[]> Buffers, IReadOnlyDictionary<string, double> Scalars);

/// <summary>
/// Runs an optimizer on the ill-conditioned quadratic f(θ) = ½(θ₀² + 10·θ₁²) from θ = (1, 1), recording what it
/// keeps after each step: the pathological-curvature example of the lecture notes, small enough to read.
/// </summary>
public static class ExplainDemo
{
    /// <summary>Runs <paramref name="steps"/> steps of <paramref name="optimizer"/> built with <paramref name="options"/>.</summary>
    public static IReadOnlyList<ExplainStep> Run(string optimizer, TorchOptions options, int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        var theta = Tensor.FromArray([1f, 1f], 2);
        theta.RequiresGrad = true;
        var opt = OptimizerCatalog.Create(optimizer, [new NamedParameter("theta", theta)], options);
        var result = new List<ExplainStep>();
        for (int t = 1; t <= steps; t++)
        {
            float[] g = [];
            opt.Step(() =>
            {
                g = [theta[0], 10f * theta[1]];
                theta.Grad = Tensor.FromArray(g, 2);
                return Tensor.Scalar(0.5f * (theta[0] * theta[0] + 10f * theta[1] * theta[1]));
            });
            var state = opt.StateOf("theta");
            result.Add(new ExplainStep(t, g, theta.ToArray(),
                state.Buffers.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray()),
                state.Scalars.ToDictionary(kv => kv.Key, kv => kv.Value)));
        }
        return result;
    }
}
