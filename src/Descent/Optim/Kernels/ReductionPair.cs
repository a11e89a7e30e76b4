using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>A whole-tensor reduction whose order is fixed by its definition (a torch order), run on one thread.</summary>
internal interface IReduction
{
    /// <summary>The reduction of <paramref name="x"/>.</summary>
    static abstract double Of(ReadOnlySpan<float> x);
}

/// <summary>torch's <c>x.pow(2).sum()</c> in its cascade order (<see cref="TorchArithmetic.SumOfRoundedSquares"/>), exact in double.</summary>
internal readonly struct RoundedSquaresSum : IReduction
{
    public static double Of(ReadOnlySpan<float> x) => TorchArithmetic.SumOfRoundedSquares(x);
}

/// <summary>
/// Two independent reductions of a step (LAMB's ‖θ‖ and ‖a‖), each in its own fixed order, run
/// side by side on two compute threads when they are large. Each is computed by the same single-threaded code either
/// way, so the results do not depend on the thread count; only the two overlap.
/// </summary>
internal static unsafe class ReductionPair
{
    /// <summary>The reductions of <paramref name="a"/> and <paramref name="b"/>.</summary>
    public static (double A, double B) Run<R>(ReadOnlySpan<float> a, ReadOnlySpan<float> b) where R : struct, IReduction
    {
        if (ComputeThreads.Count == 1 || Math.Min(a.Length, b.Length) < ElementwiseChunks.ParallelThreshold)
            return (R.Of(a), R.Of(b));
        double ra = 0, rb = 0;
        fixed (float* pa = a, pb = b)
            ComputeThreads.For(2, new Body<R>(pa, a.Length, pb, b.Length, &ra, &rb));
        return (ra, rb);
    }

    private readonly struct Body<R>(float* a, int aLength, float* b, int bLength, double* ra, double* rb) : IComputeBody
        where R : struct, IReduction
    {
        public void Invoke(int index)
        {
            if (index == 0) *ra = R.Of(new ReadOnlySpan<float>(a, aLength));
            else *rb = R.Of(new ReadOnlySpan<float>(b, bLength));
        }
    }
}
