namespace Descent.Tensors.Kernels;

/// <summary>
/// A matrix multiply that always runs on the calling thread, for kernels that are already parallel over
/// independent items (the samples of a convolution): <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>
/// would otherwise cut each call into bands for the threads that are busy with the other items. Same kernels,
/// same choice of micro-kernel from the shape, so the same arithmetic.
/// </summary>
internal static unsafe class SerialGemm
{
    /// <summary>C = alpha·op(A)·op(B) + beta·C on the calling thread; the arguments are as for <see cref="Gemm"/> and are not re-validated.</summary>
    public static void Multiply(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (m == 0 || n == 0) return;
        if (k == 0 || Gemm.DefaultPath == GemmPath.Reference)
        {
            int aLength = transposeA ? (k - 1) * lda + m : (m - 1) * lda + k;
            int bLength = transposeB ? (n - 1) * ldb + k : (k - 1) * ldb + n;
            Gemm.Multiply(GemmPath.Reference, transposeA, transposeB, m, n, k, alpha,
                new ReadOnlySpan<float>(a, Math.Max(aLength, 0)), lda, new ReadOnlySpan<float>(b, Math.Max(bLength, 0)), ldb,
                beta, new Span<float>(c, (m - 1) * ldc + n), ldc);
            return;
        }
        var problem = new GemmProblem(transposeA, transposeB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        if (Gemm.DefaultPath == GemmPath.Vector512)
        {
            // The choice GemmPlan makes: the tile shape and orientation that waste the least padded work.
            double best = Cost(m, n, k, 8, 32, false);
            int choice = 0;
            Consider(Cost(m, n, k, 12, 32, false), 1, ref best, ref choice);
            Consider(Cost(n, m, k, 8, 32, true), 2, ref best, ref choice);
            Consider(Cost(n, m, k, 12, 32, true), 3, ref best, ref choice);
            var chosen = choice >= 2 ? problem.Turned() : problem;
            if (choice % 2 == 0) GemmDriver.Run<GemmKernel8x32>(chosen, 0, chosen.M, 0, chosen.N);
            else GemmDriver.Run<GemmKernel12x32>(chosen, 0, chosen.M, 0, chosen.N);
        }
        else
        {
            bool turn = Cost(n, m, k, 6, 16, true) < Cost(m, n, k, 6, 16, false);
            var chosen = turn ? problem.Turned() : problem;
            GemmDriver.Run<GemmKernel6x16>(chosen, 0, chosen.M, 0, chosen.N);
        }
    }

    private static void Consider(double cost, int candidate, ref double best, ref int choice)
    {
        if (cost < best)
        {
            best = cost;
            choice = candidate;
        }
    }

    private static double Cost(int rows, int cols, int k, int mr, int nr, bool turned)
    {
        double padded = (double)((rows + mr - 1) / mr * mr) * ((cols + nr - 1) / nr * nr) * k / 16;
        return padded + (turned ? 3.0 * rows * cols : 0);
    }
}
