namespace Descent.Tensors.Kernels;

/// <summary>
/// A matrix multiply that always runs on the calling thread, for kernels that are already parallel over
/// independent items (the samples of a convolution): <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
/// would otherwise cut each call into bands for the threads that are busy with the other items. The same plan
/// (<see cref="GemmPlan"/>) picks the micro-kernel from the shape, so the arithmetic is the same.
/// </summary>
internal static unsafe class SerialGemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C on the calling thread; the arguments are as for <see cref="Gemm"/> and are not re-validated.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            int aLength = transposeA ? (k - 1) * lda + m : (m - 1) * lda + k;
            int bLength = transposeB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
            Gemm.Multiply(GemmPath.Reference, transposeA, transposeB, m, n, k, alpha,
                new ReadOnlySpan<float>(a, Math.Max(aLength, 0)), lda, new ReadOnlySpan<float>(b, Math.Max(bLength, 0)), ldb,
                beta, new Span<float>(c, (m - 1) * ldc + n), ldc);
            return;
        }
        var problem = new GemmProblem(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        GemmPlan.Run(problem, Gemm.ActivePath, parallel: false);
    }
}
