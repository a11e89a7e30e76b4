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
    /// Bands of at most this many micro-tile rows read a non-transposed B in place instead of packing it: with so
    /// little reuse, packing costs more than the strided reads it saves.
    /// </summary>
    private const int DirectBMaxRowTiles = 2;

    /// <summary>
    /// The deepest depth block, the same for every micro-kernel: each block's products are summed in registers
    /// from zero and then added to C, so where the blocks split K decides the rounding, and a kernel with its own
    /// block depth would give other bits.
    /// </summary>
    public const int MaxDepth = 512;

    /// <summary>
    /// Depth blocking for a problem of depth <paramref name="k"/>: near-equal blocks (a multiple of 8 deep, except
    /// the last) no deeper than <see cref="MaxDepth"/>. Depends only on k, never on the kernel or the thread split.
    /// </summary>
    public static int DepthBlock(int k)
    {
        int blocks = (k + MaxDepth - 1) / MaxDepth;
        int depth = (k + blocks - 1) / blocks;
        return Math.Min((depth + 7) & ~7, MaxDepth);
    }

    /// <summary>Computes rows [rowStart, rowEnd) × columns [colStart, colEnd) of C on the calling thread.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run<TKernel>(in GemmProblem problem, int rowStart, int rowEnd, int colStart, int colEnd)
        where TKernel : struct, IGemmKernel
    {
        int mr = TKernel.Mr, nr = TKernel.Nr;
        int k = problem.K;
        int kcBlock = DepthBlock(k);
        int mcBlock = Math.Min(TKernel.Mc, RoundUp(rowEnd - rowStart, mr));
        int ncBlock = Math.Min(TKernel.Nc, RoundUp(colEnd - colStart, nr));
        bool directB = !problem.TransposeB && rowEnd - rowStart <= DirectBMaxRowTiles * mr;

        GemmPackBuffers buffers = GemmPackBuffers.Current;
        float* packedA = buffers.GetA((nint)mcBlock * kcBlock);
        float* packedB = buffers.GetB((nint)ncBlock * kcBlock);
        var tiles = new TileSweep(problem, stackalloc float[mr * nr]);

        for (int jc = colStart; jc < colEnd; jc += ncBlock)
        {
            int nc = Math.Min(ncBlock, colEnd - jc);
            for (int pc = 0; pc < k; pc += kcBlock)
            {
                int kc = Math.Min(kcBlock, k - pc);
                tiles.Kc = kc;
                tiles.Beta = pc == 0 ? problem.Beta : 1f;
                if (directB)
                {
                    // Full panels are read in place; only a ragged last panel needs padding.
                    tiles.DirectB = problem.B + pc * problem.Ldb + jc;
                    int full = nc / nr * nr;
                    if (full < nc)
                        GemmPacking.PackB(packedB + (nint)full * kc, problem.B, problem.Ldb, false, pc, kc, jc + full, nc - full, nr);
                }
                else
                {
                    GemmPacking.PackB(packedB, problem.B, problem.Ldb, problem.TransposeB, pc, kc, jc, nc, nr);
                }

                for (int ic = rowStart; ic < rowEnd; ic += mcBlock)
                {
                    int mc = Math.Min(mcBlock, rowEnd - ic);
                    GemmPacking.PackA(packedA, problem.A, problem.Lda, problem.TransposeA, ic, mc, pc, kc, mr);
                    tiles.Sweep<TKernel>(packedA, packedB, ic, mc, jc, nc);
                }
            }
        }
    }

    private static int RoundUp(int value, int multiple) => (value + multiple - 1) / multiple * multiple;

    /// <summary>The state of the innermost two loops: one packed Mc×kc block of A against one kc×Nc block of B.</summary>
    private ref struct TileSweep(in GemmProblem problem, Span<float> edge)
    {
        private readonly GemmProblem _problem = problem;
        private readonly Span<float> _edge = edge;
        public int Kc;
        public float Beta;
        public float* DirectB;

        /// <summary>Runs the micro-kernel over every tile of the mc×nc block of C at (ic, jc).</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public readonly void Sweep<TKernel>(float* packedA, float* packedB, int ic, int mc, int jc, int nc)
            where TKernel : struct, IGemmKernel
        {
            int mr = TKernel.Mr, nr = TKernel.Nr, kc = Kc;
            float alpha = _problem.Alpha, beta = Beta;
            nint ldc = _problem.Ldc;
            for (int jr = 0; jr < nc; jr += nr)
            {
                int cols = Math.Min(nr, nc - jr);
                float* b = packedB + (nint)jr * kc;
                nint bStride = nr;
                if (DirectB != null && cols == nr)
                {
                    b = DirectB + jr;
                    bStride = _problem.Ldb;
                }
                for (int ir = 0; ir < mc; ir += mr)
                {
                    int rows = Math.Min(mr, mc - ir);
                    float* a = packedA + (nint)ir * kc;
                    if (_problem.TransposeC)
                        RunTurnedTile<TKernel>(a, b, bStride, _problem.C + (jc + jr) * ldc + ic + ir, rows, cols);
                    else if (rows == mr && cols == nr)
                        TKernel.Run(kc, a, mr, b, bStride, _problem.C + (ic + ir) * ldc + jc + jr, ldc, alpha, beta);
                    else
                        RunEdgeTile<TKernel>(a, b, bStride, _problem.C + (ic + ir) * ldc + jc + jr, rows, cols);
                }
            }
        }

        /// <summary>A tile that sticks out of C: computed whole into the edge buffer, then its valid part copied.</summary>
        [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
        private readonly void RunEdgeTile<TKernel>(float* a, float* b, nint bStride, float* c, int rows, int cols)
            where TKernel : struct, IGemmKernel
        {
            int nr = TKernel.Nr;
            nint ldc = _problem.Ldc;
            fixed (float* edge = _edge)
            {
                if (Beta != 0f)
                {
                    for (int i = 0; i < rows; i++)
                        new ReadOnlySpan<float>(c + i * ldc, cols).CopyTo(new Span<float>(edge + i * nr, cols));
                }
                TKernel.Run(Kc, a, TKernel.Mr, b, bStride, edge, nr, _problem.Alpha, Beta);
                for (int i = 0; i < rows; i++)
                    new ReadOnlySpan<float>(edge + i * nr, cols).CopyTo(new Span<float>(c + i * ldc, cols));
            }
        }

        /// <summary>A tile of Cᵀ: element (i, j) of the tile lives at c[j·ldc + i].</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private readonly void RunTurnedTile<TKernel>(float* a, float* b, nint bStride, float* c, int rows, int cols)
            where TKernel : struct, IGemmKernel
        {
            int nr = TKernel.Nr;
            nint ldc = _problem.Ldc;
            fixed (float* edge = _edge)
            {
                if (Beta != 0f)
                {
                    for (int j = 0; j < cols; j++)
                    {
                        for (int i = 0; i < rows; i++)
                            edge[i * nr + j] = c[j * ldc + i];
                    }
                }
                TKernel.Run(Kc, a, TKernel.Mr, b, bStride, edge, nr, _problem.Alpha, Beta);
                for (int j = 0; j < cols; j++)
                {
                    for (int i = 0; i < rows; i++)
                        c[j * ldc + i] = edge[i * nr + j];
                }
            }
        }
    }
}
