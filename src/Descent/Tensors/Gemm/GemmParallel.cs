using Descent.Threading;

namespace Descent.Tensors;

/// <summary>
/// Splits one multiply across <see cref="ComputeThreads"/>: C is cut into one band per thread, along whichever
/// of M or N costs less in duplicated packing and imbalance, on micro-tile boundaries. Each thread packs and
/// multiplies its band alone, so no thread ever waits on another until the end of the call.
/// </summary>
internal static unsafe class GemmParallel
{
    /// <summary>Below this many multiply-adds (~40 µs of work) a multiply stays on the calling thread.</summary>
    internal const long ParallelThreshold = 1L << 21;

    public static void Run<TKernel>(bool transposeA, bool transposeB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb, float beta, Span<float> c, int ldc)
        where TKernel : struct, IGemmKernel
    {
        fixed (float* pa = a, pb = b, pc = c)
        {
            var problem = new GemmProblem(transposeA, transposeB, m, n, k, alpha, pa, lda, pb, ldb, beta, pc, ldc);
            int threads = (long)m * n * k < ParallelThreshold ? 1 : ComputeThreads.Count;
            if (threads == 1)
            {
                GemmDriver.Run<TKernel>(problem, 0, m, 0, n);
                return;
            }

            var bands = Bands.Choose<TKernel>(problem, threads);
            if (bands.Count == 1)
                GemmDriver.Run<TKernel>(problem, 0, m, 0, n);
            else
                ComputeThreads.For(bands.Count, new BandBody<TKernel>(problem, bands));
        }
    }

    /// <summary>How C is cut: <see cref="Count"/> bands of whole micro-tiles along rows or columns.</summary>
    private readonly struct Bands(bool alongRows, int count, int tiles, int tileSize)
    {
        public readonly bool AlongRows = alongRows;
        public readonly int Count = count;
        public readonly int Tiles = tiles;
        public readonly int TileSize = tileSize;

        public int Start(int band) => (int)((long)band * Tiles / Count) * TileSize;

        public static Bands Choose<TKernel>(in GemmProblem p, int threads) where TKernel : struct, IGemmKernel
        {
            int rowTiles = (p.M + TKernel.Mr - 1) / TKernel.Mr;
            int colTiles = (p.N + TKernel.Nr - 1) / TKernel.Nr;
            int rowBands = Math.Min(threads, rowTiles);
            int colBands = Math.Min(threads, colTiles);
            double rowCost = Cost(p, TKernel.Mr * (double)((rowTiles + rowBands - 1) / rowBands), colTiles * (double)TKernel.Nr, rowBands, alongRows: true);
            double colCost = Cost(p, rowTiles * (double)TKernel.Mr, TKernel.Nr * (double)((colTiles + colBands - 1) / colBands), colBands, alongRows: false);
            return rowCost <= colCost
                ? new Bands(true, rowBands, rowTiles, TKernel.Mr)
                : new Bands(false, colBands, colTiles, TKernel.Nr);
        }

        /// <summary>
        /// Rough cycles for the slowest band: its padded multiply-adds at 16 per cycle plus packing: each band packs
        /// its own slice of one operand and all of the other. Transposing packs cost about twice a copy.
        /// </summary>
        private static double Cost(in GemmProblem p, double bandRows, double bandCols, int bands, bool alongRows)
        {
            double multiply = bandRows * bandCols * p.K / 16;
            double packA = (alongRows ? bandRows : p.M) * p.K * (p.TransposeA ? 0.25 : 0.5);
            double packB = (alongRows ? p.N : bandCols) * p.K * (p.TransposeB ? 0.5 : 0.25);
            return multiply + packA + packB + (bands == 1 ? 0 : 0);
        }
    }

    private readonly struct BandBody<TKernel>(GemmProblem problem, Bands bands) : IComputeBody
        where TKernel : struct, IGemmKernel
    {
        public void Invoke(int index)
        {
            int start = bands.Start(index);
            if (bands.AlongRows)
                GemmDriver.Run<TKernel>(problem, start, Math.Min(bands.Start(index + 1), problem.M), 0, problem.N);
            else
                GemmDriver.Run<TKernel>(problem, 0, problem.M, start, Math.Min(bands.Start(index + 1), problem.N));
        }
    }
}
