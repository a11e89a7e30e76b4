using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// The matrix product op(a)·op(b) of two 2-D tensors, where op transposes when asked:
    /// <c>MatMul(a, b)</c> is A·B, <c>transposeA</c> gives Aᵀ·B, <c>transposeB</c> gives A·Bᵀ. No transposed copy
    /// is made: the GEMM reads the stored layout.
    /// </summary>
    public static Tensor MatMul(Tensor a, Tensor b, bool transposeA = false, bool transposeB = false)
    {
        if (a.Rank != 2 || b.Rank != 2)
            throw new ArgumentException($"MatMul needs two matrices, got shapes {a.Shape} and {b.Shape}");
        int m = transposeA ? a.Shape[1] : a.Shape[0];
        int k = transposeA ? a.Shape[0] : a.Shape[1];
        int kb = transposeB ? b.Shape[1] : b.Shape[0];
        int n = transposeB ? b.Shape[0] : b.Shape[1];
        if (k != kb)
            throw new ArgumentException($"MatMul: inner dimensions differ: op(a) is {m}x{k}, op(b) is {kb}x{n} (shapes {a.Shape}, {b.Shape})");
        int lda = a.Shape[1], ldb = b.Shape[1];

        var y = Uninitialized(new Shape(m, n));
        Gemm.Multiply(transposeA, transposeB, m, n, k, 1f, a.Span, lda, b.Span, ldb, 0f, y.Span, n);
        if (!ShouldRecord(a, b)) return y;
        return y.Record("MatMul", [a, b], g =>
        {
            if (a.RequiresGrad)
            {
                var ga = a.GradForWrite(out bool acc);
                float beta = acc ? 1f : 0f;
                if (!transposeA) // dA = G · op(B)ᵀ  (m×k)
                    Gemm.Multiply(false, !transposeB, m, k, n, 1f, g.Span, n, b.Span, ldb, beta, ga.Span, k);
                else             // dA (stored k×m) = op(B) · Gᵀ
                    Gemm.Multiply(transposeB, true, k, m, n, 1f, b.Span, ldb, g.Span, n, beta, ga.Span, m);
            }
            if (b.RequiresGrad)
            {
                var gb = b.GradForWrite(out bool acc);
                float beta = acc ? 1f : 0f;
                if (!transposeB) // dB = op(A)ᵀ · G  (k×n)
                    Gemm.Multiply(!transposeA, false, k, n, m, 1f, a.Span, lda, g.Span, n, beta, gb.Span, n);
                else             // dB (stored n×k) = Gᵀ · op(A)
                    Gemm.Multiply(true, transposeA, n, k, m, 1f, g.Span, n, a.Span, lda, beta, gb.Span, k);
            }
        });
    }

    /// <summary>
    /// The affine map of a linear layer, y = x·Wᵀ + b, with <paramref name="weight"/> stored [out, in] as in
    /// PyTorch, <paramref name="x"/> [batch, in] and an optional <paramref name="bias"/> [out]. One fused operation:
    /// the bias is written first and the GEMM adds to it.
    /// </summary>
    public static Tensor Linear(Tensor x, Tensor weight, Tensor? bias)
    {
        if (x.Rank != 2 || weight.Rank != 2 || x.Shape[1] != weight.Shape[1])
            throw new ArgumentException($"Linear: input {x.Shape} does not match weight {weight.Shape} (expected [batch, {(weight.Rank == 2 ? weight.Shape[1] : -1)}])");
        int batch = x.Shape[0], inFeatures = x.Shape[1], outFeatures = weight.Shape[0];
        if (bias is not null && bias.Length != outFeatures)
            throw new ArgumentException($"Linear: bias {bias.Shape} does not match {outFeatures} output features");

        var y = Uninitialized(new Shape(batch, outFeatures));
        float beta = 0f;
        if (bias is not null)
        {
            for (int r = 0; r < batch; r++) bias.Span.CopyTo(y.Span.Slice(r * outFeatures, outFeatures));
            beta = 1f;
        }
        Gemm.Multiply(false, true, batch, outFeatures, inFeatures, 1f, x.Span, inFeatures, weight.Span, inFeatures, beta, y.Span, outFeatures);
        if (!ShouldRecord(x, weight, bias)) return y;
        return y.Record("Linear", bias is null ? [x, weight] : [x, weight, bias], g =>
        {
            if (x.RequiresGrad) // dx = G · W
            {
                var gx = x.GradForWrite(out bool acc);
                Gemm.Multiply(false, false, batch, inFeatures, outFeatures, 1f, g.Span, outFeatures, weight.Span, inFeatures, acc ? 1f : 0f, gx.Span, inFeatures);
            }
            if (weight.RequiresGrad) // dW = Gᵀ · x
            {
                var gw = weight.GradForWrite(out bool acc);
                Gemm.Multiply(true, false, outFeatures, inFeatures, batch, 1f, g.Span, outFeatures, x.Span, inFeatures, acc ? 1f : 0f, gw.Span, inFeatures);
            }
            if (bias is not null && bias.RequiresGrad) // db = Σ_rows G
            {
                var gb = bias.GradForWrite(out bool acc);
                Rows.SumRows(g.Span, gb.Span, acc);
            }
        });
    }
}
