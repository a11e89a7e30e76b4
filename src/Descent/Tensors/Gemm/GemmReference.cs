namespace Descent.Tensors;

/// <summary>
/// The plain triple loop, accumulating in double: the oracle the tests compare the packed kernels against (never
/// a runtime path: <see cref="GemmKernel6x8"/> serves machines without AVX2). Arguments are assumed validated by
/// <see cref="Gemm"/>.
/// </summary>
internal static class GemmReference
{
    /// <summary>Same contract as <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float x = transposeA ? a[p * lda + i] : a[i * lda + p];
                    float y = transposeB ? b[j * ldb + p] : b[p * ldb + j];
                    sum += (double)x * y;
                }
                ref float target = ref c[i * ldc + j];
                double scaled = alpha == 0f ? 0 : alpha * sum;
                target = (float)(beta == 0f ? scaled : scaled + (double)beta * target);
            }
        }
    }
}
