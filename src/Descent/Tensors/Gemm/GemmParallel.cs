using Descent.Threading;

namespace Descent.Tensors;

/// <summary>
/// Splits one multiply across <see cref="ComputeThreads"/>: C is cut into one band per thread, along whichever
/// of M or N costs less in duplicated packing and imbalance, on micro-tile boundaries. Each thread packs and
/// multiplies its band alone, so no thread waits on another until the end of the call, and since the depth is
/// never split every element of C is computed the same way whatever the thread count.
/// </summary>
internal static unsafe class GemmParallel
{
    /// <summary>Below this many multiply-adds (~2.5 µs of work) a multiply stays on the calling thread.</summary>
    internal const long ParallelThreshold = 1L << 17;

    /// <summary>
    /// From this many multiply-adds (~40 µs of work) a multiply wakes sleeping workers; smaller ones use only
    /// workers still spinning from a recent loop, as they are in a training step.
    /// </summary>
    internal const long WakeThreshold = 1L << 21;

    public static void Run<TKernel>(in GemmProblem problem) where TKernel : struct, IGemmKernel
    {
        long work = (long)problem.M * problem.N * problem.K;
        int threads = work < ParallelThreshold ? 1
            : work < WakeThreshold ? ComputeThreads.AwakeCount
            : ComputeThreads.Count;
        Bands bands = threads == 1 ? default : Bands.Choose<TKernel>(problem, threads);
        if (bands.Count <= 1)
            GemmDriver.Run<TKernel>(problem, 0, problem.M, 0, problem.N);
        else
            ComputeThreads.For(bands.Count, new BandBody<TKernel>(problem, bands), wakeSleepingWorkers: work >= WakeThreshold);
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
            double rowBandRows = (double)TKernel.Mr * ((rowTiles + rowBands - 1) / rowBands);
            double colBandCols = (double)TKernel.Nr * ((colTiles + colBands - 1) / colBands);
            double rowCost = Cost(p, rowBandRows, colTiles * (double)TKernel.Nr, alongRows: true);
            double colCost = Cost(p, rowTiles * (double)TKernel.Mr, colBandCols, alongRows: false);
            return rowCost <= colCost
                ? new Bands(true, rowBands, rowTiles, TKernel.Mr)
                : new Bands(false, colBands, colTiles, TKernel.Nr);
        }

        /// <summary>
        /// Rough cycles for the slowest band: its padded multiply-adds at 16 a cycle, plus packing, where each band
        /// packs its own slice of one operand but all of the other. A transposing pack costs about twice a copy.
        /// </summary>
        private static double Cost(in GemmProblem p, double bandRows, double bandCols, bool alongRows)
        {
            double multiply = bandRows * bandCols * p.K / 16;
            double packA = (alongRows ? bandRows : p.M) * p.K * (p.TransposeA ? 0.25 : 0.5);
            double packB = (alongRows ? p.N : bandCols) * p.K * (p.TransposeB ? 0.5 : 0.25);
            return multiply + packA + packB;
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
