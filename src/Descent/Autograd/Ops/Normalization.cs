using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Batch normalization (Ioffe and Szegedy, 2015) over channel dimension 1 of <paramref name="input"/>
    /// [N, C] or [N, C, ...], as PyTorch's <c>batch_norm</c>: y = (x − μ) / √(σ² + ε) · γ + β per channel.
    /// </summary>
    /// <param name="input">[N, C] or [N, C, d1, ...]; statistics are taken over every dimension but C.</param>
    /// <param name="runningMean">[C] running mean, or null to keep none.</param>
    /// <param name="runningVar">[C] running variance, or null to keep none.</param>
    /// <param name="weight">γ [C], or null for 1.</param>
    /// <param name="bias">β [C], or null for 0.</param>
    /// <param name="training">
    /// True: normalize with the batch mean and biased variance, and (when given) update the running statistics in
    /// place, r ← (1 − momentum)·r + momentum·s, using the unbiased variance for the running variance. False:
    /// normalize with the running statistics (which must then be given).
    /// </param>
    /// <param name="momentum">The weight of the new batch statistics in the running averages.</param>
    /// <param name="eps">Added to the variance for numerical stability.</param>
    public static Tensor BatchNorm(Tensor input, Tensor? runningMean, Tensor? runningVar, Tensor? weight, Tensor? bias,
        bool training, float momentum = 0.1f, float eps = 1e-5f)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2)
            throw new ArgumentException($"BatchNorm: input must be [N, C] or [N, C, ...], got {input.Shape}", nameof(input));
        int n = input.Shape[0], c = input.Shape[1];
        int s = n * c == 0 ? 0 : input.Length / (n * c);
        CheckChannelVector(runningMean, c, nameof(runningMean));
        CheckChannelVector(runningVar, c, nameof(runningVar));
        CheckChannelVector(weight, c, nameof(weight));
        CheckChannelVector(bias, c, nameof(bias));
        if ((runningMean is null) != (runningVar is null))
            throw new ArgumentException("BatchNorm: give both running statistics or neither");
        if (!training && runningMean is null)
            throw new ArgumentException("BatchNorm: evaluation mode needs the running mean and variance");
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "BatchNorm: eps must be positive");
        long count = (long)n * s;
        if (training && count <= 1)
            throw new ArgumentException($"BatchNorm: training needs more than one value per channel, got input {input.Shape}", nameof(input));

        var x = input;
        var mean = TensorArena.Allocate(c);
        var invStd = TensorArena.Allocate(c);
        if (training)
        {
            var variance = TensorArena.Allocate(c);
            BatchNormKernels.Statistics(x._storage, x._offset, n, c, s, mean, variance);
            for (int i = 0; i < c; i++) invStd[i] = (float)(1.0 / Math.Sqrt(variance[i] + (double)eps));
            if (runningMean is not null)
            {
                var rm = runningMean.Span;
                var rv = runningVar!.Span;
                double unbiased = (double)count / (count - 1);
                for (int i = 0; i < c; i++)
                {
                    rm[i] = (float)((1.0 - momentum) * rm[i] + (double)momentum * mean[i]);
                    rv[i] = (float)((1.0 - momentum) * rv[i] + (double)momentum * variance[i] * unbiased);
                }
            }
        }
        else
        {
            runningMean!.Span.CopyTo(mean);
            var rv = runningVar!.Span;
            for (int i = 0; i < c; i++) invStd[i] = (float)(1.0 / Math.Sqrt(rv[i] + (double)eps));
        }

        // y = x·scale + shift, scale = γ/σ, shift = β − μ·scale.
        var scale = TensorArena.Allocate(c);
        var shift = TensorArena.Allocate(c);
        for (int i = 0; i < c; i++)
        {
            float gamma = weight is null ? 1f : weight.Span[i];
            float beta = bias is null ? 0f : bias.Span[i];
            scale[i] = gamma * invStd[i];
            shift[i] = beta - mean[i] * scale[i];
        }
        var y = x.UninitializedLike();
        BatchNormKernels.Affine(x._storage, x._offset, n, c, s, scale, shift, y._storage, y._offset);
        if (!ShouldRecord(x, weight ?? x, bias)) return y;

        Tensor[] inputs = (weight, bias) switch
        {
            (null, null) => [x],
            (not null, null) => [x, weight],
            (null, not null) => [x, bias],
            _ => [x, weight, bias],
        };
        return y.Record("BatchNorm", inputs, grad =>
        {
            var sumDy = TensorArena.Allocate(c);
            var sumDyXhat = TensorArena.Allocate(c);
            BatchNormKernels.GradientSums(x._storage, x._offset, grad._storage, grad._offset, n, c, s, mean, invStd, sumDy, sumDyXhat);
            if (weight is not null && weight.RequiresGrad) weight.AccumulateGrad(sumDyXhat);
            if (bias is not null && bias.RequiresGrad) bias.AccumulateGrad(sumDy);
            if (!x.RequiresGrad) return;
            // dx = a·dy + b·x + d per channel. Training (the batch statistics depend on x):
            // dx = γ/σ · (dy − Σdy/M − x̂·Σ(dy·x̂)/M) with x̂ = (x − μ)/σ; evaluation: dx = γ/σ · dy.
            var a = TensorArena.Allocate(c);
            var b = TensorArena.Allocate(c);
            var d = TensorArena.Allocate(c);
            for (int i = 0; i < c; i++)
            {
                a[i] = scale[i];
                if (training)
                {
                    double perCount = 1.0 / count;
                    double bi = -(double)scale[i] * invStd[i] * sumDyXhat[i] * perCount;
                    b[i] = (float)bi;
                    d[i] = (float)(-(double)scale[i] * sumDy[i] * perCount - bi * mean[i]);
                }
                else
                {
                    b[i] = 0f;
                    d[i] = 0f;
                }
            }
            var gx = x.GradForWrite(out bool accumulate);
            BatchNormKernels.InputGradient(x._storage, x._offset, grad._storage, grad._offset, n, c, s, a, b, d, gx._storage, gx._offset, accumulate);
        });
    }

    private static void CheckChannelVector(Tensor? t, int channels, string name)
    {
        if (t is not null && (t.Rank != 1 || t.Length != channels))
            throw new ArgumentException($"BatchNorm: {name} must be [{channels}], got {t.Shape}", name);
    }
}
