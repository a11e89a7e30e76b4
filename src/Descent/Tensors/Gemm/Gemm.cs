using Descent.Threading;

namespace Descent.Tensors;

/// <summary>
/// Single-precision general matrix multiply (SGEMM) on row-major matrices.
/// </summary>
/// <remarks>
/// The work is cache-blocked and packed in the GotoBLAS/BLIS style and runs on an AVX-512, AVX2/FMA or 128-bit
/// (NEON, SSE) register-tiled micro-kernel, split across <see cref="ComputeThreads.Count"/> threads when large
/// enough. Results are bit-identical for any thread count and on every path: threads split the rows or columns of
/// C, never the depth, and every kernel sums the same depth blocks with the same chain of fused multiply-adds.
/// </remarks>
public static class Gemm
{
    /// <summary>
    /// C = alpha·op(A)·op(B) + beta·C on row-major matrices. op(A) is m×k (A is stored k×m when
    /// <paramref name="transposeA"/>), op(B) is k×n (B is stored n×k when <paramref name="transposeB"/>), C is m×n.
    /// </summary>
    /// <param name="transposeA">Whether A is stored transposed (k×m).</param>
    /// <param name="transposeB">Whether B is stored transposed (n×k).</param>
    /// <param name="m">Rows of op(A) and of C.</param>
    /// <param name="n">Columns of op(B) and of C.</param>
    /// <param name="k">Columns of op(A), rows of op(B).</param>
    /// <param name="alpha">Scale of the product. When 0, A and B are not read.</param>
    /// <param name="a">A as stored, with row stride <paramref name="lda"/>.</param>
    /// <param name="lda">Row stride of A as stored: at least its width (k, or m when transposed) and at least 1.</param>
    /// <param name="b">B as stored, with row stride <paramref name="ldb"/>.</param>
    /// <param name="ldb">Row stride of B as stored: at least its width (n, or k when transposed) and at least 1.</param>
    /// <param name="beta">Scale of the existing C. When 0, C is overwritten without being read (NaNs in it vanish).</param>
    /// <param name="c">C, with row stride <paramref name="ldc"/>.</param>
    /// <param name="ldc">Row stride of C: at least n and at least 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is negative or a stride is too small.</exception>
    /// <exception cref="ArgumentException">A span is too short for its matrix.</exception>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        => Multiply(ActivePath, transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);

    /// <summary>The widest packed implementation this machine supports; the 128-bit one runs everywhere.</summary>
    internal static GemmPath DefaultPath { get; } =
        GemmKernel8x32.IsSupported ? GemmPath.Vector512
        : GemmKernel6x16.IsSupported ? GemmPath.Vector256
        : GemmPath.Vector128;

    /// <summary>
    /// The path multiplies take now: <see cref="DefaultPath"/>, or a narrower one while a test narrows the kernels
    /// with <see cref="Descent.Simd.SimdPath.Force"/> (a wider one than the machine has is never taken here).
    /// </summary>
    internal static GemmPath ActivePath => Descent.Simd.SimdPath.Width switch
    {
        Descent.Simd.SimdWidth.Vector512 => DefaultPath,
        Descent.Simd.SimdWidth.Vector256 => DefaultPath == GemmPath.Vector512 ? GemmPath.Vector256 : DefaultPath,
        _ => GemmPath.Vector128,
    };

    /// <summary><see cref="Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/> on a chosen implementation.</summary>
    internal static void Multiply(GemmPath path, bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
    {
        Validate(transposeA, transposeB, m, n, k, a, lda, b, ldb, c, ldc);
        if (m == 0 || n == 0)
            return;
        if (k == 0 || alpha == 0f)
        {
            ScaleC(m, n, beta, c, ldc);
            return;
        }

        if (path == GemmPath.Reference)
        {
            GemmReference.Multiply(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            return;
        }

        unsafe
        {
            fixed (float* pa = a, pb = b, pc = c)
            {
                var problem = new GemmProblem(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
                GemmPlan.Run(problem, path, parallel: true);
            }
        }
    }

    private static void ScaleC(int m, int n, float beta, Span<float> c, int ldc)
    {
        for (int i = 0; i < m; i++)
        {
            Span<float> row = c.Slice(i * ldc, n);
            if (beta == 0f)
                row.Clear();
            else if (beta != 1f)
            {
                foreach (ref float x in row)
                    x *= beta;
            }
        }
    }

    private static void Validate(bool transposeA, bool transposeB, int m, int n, int k,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, ReadOnlySpan<float> c, int ldc)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(m);
        ArgumentOutOfRangeException.ThrowIfNegative(n);
        ArgumentOutOfRangeException.ThrowIfNegative(k);
        (int aRows, int aCols) = transposeA ? (k, m) : (m, k);
        (int bRows, int bCols) = transposeB ? (n, k) : (k, n);
        ArgumentOutOfRangeException.ThrowIfLessThan(lda, Math.Max(1, aCols));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldb, Math.Max(1, bCols));
        ArgumentOutOfRangeException.ThrowIfLessThan(ldc, Math.Max(1, n));
        RequireLength(a.Length, aRows, aCols, lda, nameof(a));
        RequireLength(b.Length, bRows, bCols, ldb, nameof(b));
        RequireLength(c.Length, m, n, ldc, nameof(c));
    }

    private static void RequireLength(int length, int rows, int cols, int stride, string name)
    {
        long needed = rows == 0 || cols == 0 ? 0 : (long)(rows - 1) * stride + cols;
        if (length < needed)
            throw new ArgumentException($"The span holds {length} floats but a {rows}×{cols} matrix with row stride {stride} needs {needed}.", name);
    }
}
