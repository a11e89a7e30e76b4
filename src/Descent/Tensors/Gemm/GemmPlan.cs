namespace Descent.Tensors;

/// <summary>
/// Picks, from the shape alone (never the thread count, so results stay reproducible), which micro-kernel runs a
/// multiply and whether it is computed as C or turned around as Cᵀ = op(B)ᵀ·op(A)ᵀ: the choice that wastes the
/// least work on tile padding. A 128×10 output, say, pads 10 columns to 32 but only 10 rows to 12 when turned.
/// </summary>
internal static class GemmPlan
{
    /// <summary>Cycles charged per element of C for the scalar transposed write-out of a turned problem.</summary>
    private const double TurnedWriteCost = 3;

    /// <summary>Runs a validated, non-trivial problem on the <see cref="GemmPath.Vector512"/> kernels.</summary>
    public static void RunVector512(in GemmProblem problem)
    {
        int m = problem.M, n = problem.N, k = problem.K;
        double best = Cost(m, n, k, 8, 32, false);
        int choice = 0;
        Consider(Cost(m, n, k, 12, 32, false), 1, ref best, ref choice);
        Consider(Cost(n, m, k, 8, 32, true), 2, ref best, ref choice);
        Consider(Cost(n, m, k, 12, 32, true), 3, ref best, ref choice);
        GemmProblem chosen = choice >= 2 ? problem.Turned() : problem;
        if (choice % 2 == 0)
            GemmParallel.Run<GemmKernel8x32>(chosen);
        else
            GemmParallel.Run<GemmKernel12x32>(chosen);
    }

    /// <summary>Runs a validated, non-trivial problem on the <see cref="GemmPath.Vector256"/> kernel.</summary>
    public static void RunVector256(in GemmProblem problem)
    {
        int m = problem.M, n = problem.N, k = problem.K;
        bool turn = Cost(n, m, k, 6, 16, true) < Cost(m, n, k, 6, 16, false);
        GemmParallel.Run<GemmKernel6x16>(turn ? problem.Turned() : problem);
    }

    private static void Consider(double cost, int candidate, ref double best, ref int choice)
    {
        if (cost < best)
        {
            best = cost;
            choice = candidate;
        }
    }

    /// <summary>Rough cycles: padded multiply-adds at 16 a cycle plus, when turned, the transposed write-out.</summary>
    private static double Cost(int rows, int cols, int k, int mr, int nr, bool turned)
    {
        double padded = (double)((rows + mr - 1) / mr * mr) * ((cols + nr - 1) / nr * nr) * k / 16;
        return padded + (turned ? TurnedWriteCost * rows * cols : 0);
    }
}
