using Descent.Tensors;
using Descent.Tensors.Kernels;

namespace Descent.Nn;

/// <summary>Loss functions: each returns a one-element tensor to call <see cref="Tensor.Backward"/> on.</summary>
public static partial class Losses
{
    /// <summary>The mean squared error mean((prediction − target)²), as PyTorch's <c>MSELoss()</c>.</summary>
    public static Tensor MeanSquaredError(Tensor prediction, Tensor target)
    {
        if (prediction.Shape != target.Shape)
            throw new ArgumentException($"MeanSquaredError: prediction {prediction.Shape} and target {target.Shape} differ in shape");
        if (prediction.Length == 0) throw new ArgumentException("MeanSquaredError: the tensors are empty", nameof(prediction));
        var difference = TensorArena.Allocate(prediction.Length);
        Elementwise.Subtract(prediction.Span, target.Span, difference);
        var loss = Tensor.Scalar((float)(Elementwise.SumOfSquaresDouble(difference) / difference.Length));
        if (!Tensor.ShouldRecord(prediction, target)) return loss;
        return loss.Record("MeanSquaredError", [prediction, target], g =>
        {
            // d/dp = 2(p − t)/n, d/dt = −2(p − t)/n
            Elementwise.Multiply(difference, 2f * g.Span[0] / difference.Length, difference);
            prediction.AccumulateGrad(difference);
            if (target.RequiresGrad)
            {
                Elementwise.Negate(difference, difference);
                target.AccumulateGrad(difference);
            }
        });
    }
}
