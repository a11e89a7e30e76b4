using Descent.Tensors;

namespace Descent.Tests.Autograd;

/// <summary>
/// Compares the gradients autograd computes with central finite differences, computed in float32 with a step
/// large enough that rounding stays well below the tolerance.
/// </summary>
internal static class GradCheck
{
    /// <summary>
    /// Checks d(f)/d(input) for every input. <paramref name="f"/> must be deterministic and return a scalar; it is
    /// projected on fixed random weights when it returns more than one element, so every output entry matters.
    /// </summary>
    public static void Check(Func<Tensor[], Tensor> f, Tensor[] inputs, float step = 1e-2f, float tolerance = 2e-3f)
    {
        var probe = f(inputs);
        var weights = Tensor.Uniform(new Rng(99), -1f, 1f, probe.Shape.ToArray());
        Tensor Objective(Tensor[] xs)
        {
            var y = f(xs);
            return y.Length == 1 ? y.Reshape() : Tensor.Multiply(y, weights).Sum();
        }

        foreach (var x in inputs) { x.RequiresGrad = true; x.Grad = null; }
        Objective(inputs).Backward();

        for (int which = 0; which < inputs.Length; which++)
        {
            var x = inputs[which];
            var analytic = x.Grad?.ToArray() ?? new float[x.Length];
            var span = x.Span;
            for (int i = 0; i < x.Length; i++)
            {
                float saved = span[i];
                span[i] = saved + step;
                double plus = Objective(inputs).Item();
                span[i] = saved - step;
                double minus = Objective(inputs).Item();
                span[i] = saved;
                double numeric = (plus - minus) / (2 * step);
                double error = Math.Abs(numeric - analytic[i]);
                Assert.True(error <= tolerance * (1 + Math.Abs(numeric)),
                    $"input {which} element {i}: autograd {analytic[i]}, finite difference {numeric}");
            }
        }
    }

    /// <summary>A tensor of U(−1, 1) values from a fixed seed.</summary>
    public static Tensor Random(ulong seed, params int[] shape) => Tensor.Uniform(new Rng(seed), -1f, 1f, shape);
}
