namespace Descent.Tensors;

/// <summary>A validated multiply, with its operands pinned: what every thread of one call shares.</summary>
internal readonly unsafe struct GemmProblem(
    bool transposeA, bool transposeB, int m, int n, int k, float alpha,
    float* a, nint lda, float* b, nint ldb, float beta, float* c, nint ldc)
{
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
}
