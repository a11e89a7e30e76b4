namespace Descent.Tensors;

/// <summary>
/// A validated multiply with its operands pinned: what every thread of one call shares. When
/// <see cref="TransposeC"/> is set the problem has been turned around (Cᵀ = op(B)ᵀ·op(A)ᵀ): M, N, A and B
/// describe Cᵀ, and element (i, j) is stored at C[j·Ldc + i].
/// </summary>
internal readonly unsafe struct GemmProblem(
    bool transposeA, bool transposeB, int m, int n, int k, float alpha,
    float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc, bool transposeC = false)
{
    public readonly bool TransposeC = transposeC;
    public readonly bool TransposeA = transposeA;
    public readonly bool TransposeB = transposeB;
    public readonly int M = m;
    public readonly int N = n;
    public readonly int K = k;
    public readonly float Alpha = alpha;
    public readonly float Beta = beta;
    public readonly float* A = a;
    public readonly float* B = b;
    public readonly float* C = c;
    public readonly nint Lda = lda;
    public readonly nint Ldb = ldb;
    public readonly nint Ldc = ldc;

    /// <summary>The same product computed as Cᵀ = op(B)ᵀ·op(A)ᵀ, for shapes where n pads badly but m does not.</summary>
    public GemmProblem Turned() => new(!TransposeB, !TransposeA, N, M, K, Alpha, B, Ldb, A, Lda, Beta, C, Ldc, !TransposeC);
}
