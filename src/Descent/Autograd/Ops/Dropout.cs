using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Inverted dropout: each element is zeroed with probability <paramref name="p"/> and the survivors are scaled
    /// by 1/(1−p), so the expectation is unchanged. The mask is drawn from <paramref name="rng"/>.
    /// </summary>
    public Tensor Dropout(float p, Rng rng)
    {
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        ArgumentNullException.ThrowIfNull(rng);
        if (p == 0f) return this;
        var x = this;
        float keep = 1f / (1f - p);
        var mask = TensorArena.Allocate(Length);
        for (int i = 0; i < mask.Length; i++) mask[i] = rng.NextFloat() < p ? 0f : keep;
        var y = UninitializedLike();
        Elementwise.Multiply(x.Span, mask, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("Dropout", [x], g =>
        {
            var gx = g.UninitializedLike();
            Elementwise.Multiply(g.Span, mask, gx.Span);
            x.AccumulateGrad(gx.Span);
        });
    }
}
