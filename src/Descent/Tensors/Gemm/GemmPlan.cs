namespace Descent.Tensors;

/// <summary>The register tile of a GEMM micro-kernel.</summary>
internal enum GemmTile
{
    /// <summary>8×32 with Vector512 (<see cref="GemmKernel8x32"/>).</summary>
    Tile8x32,

    /// <summary>12×32 with Vector512 (<see cref="GemmKernel12x32"/>).</summary>
    Tile12x32,

    /// <summary>6×16 with Vector256 (<see cref="GemmKernel6x16"/>).</summary>
    Tile6x16,

    /// <summary>6×8 with Vector128 (<see cref="GemmKernel6x8"/>).</summary>
    Tile6x8,
}

/// <summary>A plan for one multiply: the micro-kernel's tile, and whether C is computed turned around as Cᵀ.</summary>
internal readonly record struct GemmChoice(GemmTile Tile, bool Turned);

/// <summary>
/// Picks, from the shape alone (never the thread count, so results stay reproducible), which micro-kernel runs a
/// multiply and whether it is computed as C or turned around as Cᵀ = op(B)ᵀ·op(A)ᵀ: the choice that wastes the
/// least work on tile padding. A 128×10 output, say, pads 10 columns to 32 but only 10 rows to 12 when turned.
/// Both the parallel multiply and the serial one (<see cref="Kernels.SerialGemm"/>) run through <see cref="Run"/>,
/// so they compute with the same kernel and give the same bits.
/// </summary>
internal static class GemmPlan
{
    /// <summary>Cycles charged per element of C for the scalar transposed write-out of a turned problem.</summary>
    private const double TurnedWriteCost = 3;

    /// <summary>The Vector512 plans tried after 8×32 unturned, in order (a tie keeps the earlier one).</summary>
    private static readonly GemmChoice[] Vector512Alternatives =
        [new(GemmTile.Tile12x32, false), new(GemmTile.Tile8x32, true), new(GemmTile.Tile12x32, true)];

    /// <summary>The plan for an m×n×k multiply on <paramref name="path"/> (Vector512, Vector256 or Vector128).</summary>
    public static GemmChoice Choose(int m, int n, int k, GemmPath path)
    {
        if (path == GemmPath.Vector128)
            return new GemmChoice(GemmTile.Tile6x8, Cost(n, m, k, 6, 8, true) < Cost(m, n, k, 6, 8, false));
        if (path != GemmPath.Vector512)
            return new GemmChoice(GemmTile.Tile6x16, Cost(n, m, k, 6, 16, true) < Cost(m, n, k, 6, 16, false));
        var best = new GemmChoice(GemmTile.Tile8x32, false);
        double bestCost = Cost(m, n, k, 8, 32, false);
        foreach (var candidate in Vector512Alternatives)
        {
            int mr = candidate.Tile == GemmTile.Tile12x32 ? 12 : 8;
            double cost = candidate.Turned ? Cost(n, m, k, mr, 32, true) : Cost(m, n, k, mr, 32, false);
            if (cost < bestCost) (best, bestCost) = (candidate, cost);
        }
        return best;
    }

    /// <summary>Runs <paramref name="problem"/> with the planned kernel: over the compute threads, or on the calling thread.</summary>
    public static void Run(in GemmProblem problem, GemmPath path, bool parallel)
    {
        var choice = Choose(problem.M, problem.N, problem.K, path);
        var chosen = choice.Turned ? problem.Turned() : problem;
        switch (choice.Tile)
        {
            case GemmTile.Tile8x32: Dispatch<GemmKernel8x32>(chosen, parallel); break;
            case GemmTile.Tile12x32: Dispatch<GemmKernel12x32>(chosen, parallel); break;
            case GemmTile.Tile6x8: Dispatch<GemmKernel6x8>(chosen, parallel); break;
            default: Dispatch<GemmKernel6x16>(chosen, parallel); break;
        }
    }

    private static void Dispatch<TKernel>(in GemmProblem problem, bool parallel) where TKernel : struct, IGemmKernel
    {
        if (parallel) GemmParallel.Run<TKernel>(problem);
        else GemmDriver.Run<TKernel>(problem, 0, problem.M, 0, problem.N);
    }

    private static double Cost(int rows, int cols, int k, int mr, int nr, bool turned)
    {
        double padded = (double)((rows + mr - 1) / mr * mr) * ((cols + nr - 1) / nr * nr) * k / 16;
        return padded + (turned ? TurnedWriteCost * rows * cols : 0);
    }
}
