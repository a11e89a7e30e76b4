using System.Runtime.CompilerServices;

namespace Descent.Tensors;

/// <summary>
/// The GotoBLAS/BLIS loop nest around a micro-kernel: for each Nc-wide column block and each depth block, pack
/// B; for each Mc-high row block, pack A; then sweep the register tiles. Edge tiles are computed in full into a
/// small buffer (the packed panels are zero-padded) and copied out, so every element of C goes through exactly
/// the same arithmetic whatever its position, tile split or thread.
/// </summary>
internal static unsafe class GemmDriver
{
    /// <summary>
    /// Depth blocking for a problem of depth <paramref name="k"/>: near-equal blocks (a multiple of 8 deep, except
    /// the last) no deeper than <typeparamref name="TKernel"/>'s Kc. Depends only on k, never on the thread split.
    /// </summary>
    public static int DepthBlock<TKernel>(int k) where TKernel : struct, IGemmKernel
    {
        int blocks = (k + TKernel.Kc - 1) / TKernel.Kc;
        int depth = (k + blocks - 1) / blocks;
        return Math.Min((depth + 7) & ~7, TKernel.Kc);
    }

    /// <summary>Computes rows [rowStart, rowEnd) × columns [colStart, colEnd) of C on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(in GemmProblem problem, int rowStart, int rowEnd, int colStart, int colEnd)
        where TKernel : struct, IGemmKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        int k = problem.K;
        int kcBlock = DepthBlock<TKernel>(k);
        int mcBlock = Math.Min(TKernel.Mc, RoundUp(rowEnd - rowStart, mr));
        int ncBlock = Math.Min(TKernel.Nc, RoundUp(colEnd - colStart, nr));

        GemmPackBuffers buffers = GemmPackBuffers.Current;
        float* packedA = buffers.GetA((nint)mcBlock * kcBlock);
        float* packedB = buffers.GetB((nint)ncBlock * kcBlock);
        float* edge = stackalloc float[mr * nr];

        for (int jc = colStart; jc < colEnd; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, colEnd - jc);
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                float beta = pc == 0 ? problem.Beta : 1f;
                GemmPacking.PackB(packedB, problem.B, problem.Ldb, problem.TransposeB, pc, kc, jc, nc, nr);
                for (int ic = rowStart; ic < rowEnd; ic += mcBlock)
                {
                    int mc = Math.Min(mcBlock, rowEnd - ic);
                    GemmPacking.PackA(packedA, problem.A, problem.Lda, problem.TransposeA, ic, mc, pc, kc, mr);
                    float* c = problem.C + ic * problem.Ldc + jc;
                    SweepTiles<TKernel>(packedA, packedB, mc, nc, kc, c, problem.Ldc, problem.Alpha, beta, edge);
                }
            }
        }
    }

    /// <summary>Runs the micro-kernel over every Mr×Nr tile of an mc×nc block of C.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SweepTiles<TKernel>(
        float* packedA, float* packedB, int mc, int nc, int kc, float* c, nint ldc, float alpha, float beta, float* edge)
        where TKernel : struct, IGemmKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            float* b = packedB + (nint)jr * kc;
            for (int ir = 0; ir < mc; ir += mr)
            {
                int rows = Math.Min(mr, mc - ir);
                float* a = packedA + (nint)ir * kc;
                float* tile = c + ir * ldc + jr;
                if (rows == mr && cols == nr)
                    TKernel.Run(kc, a, b, tile, ldc, alpha, beta);
                else
                    RunEdgeTile<TKernel>(kc, a, b, tile, ldc, rows, cols, alpha, beta, edge);
            }
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void RunEdgeTile<TKernel>(
        int kc, float* a, float* b, float* c, nint ldc, int rows, int cols, float alpha, float beta, float* edge)
        where TKernel : struct, IGemmKernel
    {
        int nr = TKernel.Nr;
        if (beta != 0f)
        {
            for (int i = 0; i < rows; i++)
                new ReadOnlySpan<float>(c + i * ldc, cols).CopyTo(new Span<float>(edge + i * nr, cols));
        }
        TKernel.Run(kc, a, b, edge, nr, alpha, beta);
        for (int i = 0; i < rows; i++)
            new ReadOnlySpan<float>(edge + i * nr, cols).CopyTo(new Span<float>(c + i * ldc, cols));
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;
}
