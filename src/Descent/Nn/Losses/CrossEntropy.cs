using Descent.Tensors;
using Descent.Tensors.Kernels;

namespace Descent.Nn;

public static partial class Losses
{
    /// <summary>
    /// Softmax cross-entropy, averaged over the batch: mean over rows i of −log softmax(logits_i)[label_i], as
    /// PyTorch's <c>CrossEntropyLoss()</c>. Fused and stable: each row is shifted by its maximum before the
    /// exponential (log-sum-exp), and the gradient is (softmax − onehot) / batch.
    /// </summary>
    /// <param name="logits">Unnormalized scores, [batch, classes].</param>
    /// <param name="labels">The class of each row, in [0, classes); at least batch entries (extra entries are ignored).</param>
    public static Tensor CrossEntropy(Tensor logits, ReadOnlySpan<int> labels)
    {
        if (logits.Rank != 2) throw new ArgumentException($"CrossEntropy: logits must be [batch, classes], got {logits.Shape}", nameof(logits));
        int batch = logits.Shape[0], classes = logits.Shape[1];
        if (batch == 0) throw new ArgumentException("CrossEntropy: the batch is empty", nameof(logits));
        if (labels.Length < batch) throw new ArgumentException($"CrossEntropy: {labels.Length} labels for a batch of {batch}", nameof(labels));
        var ownLabels = labels[..batch].ToArray();
        for (int i = 0; i < batch; i++)
            if ((uint)ownLabels[i] >= (uint)classes)
                throw new ArgumentOutOfRangeException(nameof(labels), ownLabels[i], $"label of row {i} is outside [0, {classes})");

        var probabilities = TensorArena.Allocate(logits.Length);
        double total = 0;
        var x = logits.Span;
        for (int i = 0; i < batch; i++)
        {
            var row = x.Slice(i * classes, classes);
            var p = probabilities.AsSpan(i * classes, classes);
            float max = Elementwise.Max(row);
            Elementwise.Add(row, -max, p);
            Elementwise.Exp(p, p);
            float sum = Elementwise.Sum(p);
            total += max + MathF.Log(sum) - row[ownLabels[i]];
            Elementwise.Multiply(p, 1f / sum, p);
        }
        var loss = Tensor.Scalar((float)(total / batch));
        if (!Tensor.ShouldRecord(logits)) return loss;
        return loss.Record("CrossEntropy", [logits], g =>
        {
            float scale = g.Span[0] / batch;
            var d = probabilities.AsSpan();
            for (int i = 0; i < batch; i++) d[i * classes + ownLabels[i]] -= 1f;
            Elementwise.Multiply(d, scale, d);
            logits.AccumulateGrad(d);
        });
    }
}
