using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Simd;

namespace Descent.Tensors.Kernels;

/// <summary>
/// Sums over spans in an order that does not depend on the vector width: sixteen partial sums (element i goes to
/// sum i mod 16) combined in a fixed tree (<see cref="IPartialSums{TSelf}"/>), then the last n mod 16 elements
/// added one by one. (TensorPrimitives.Sum keeps as many partial sums as its widest register has lanes, so its
/// bits change with the machine.)
/// </summary>
internal static class Reductions
{
    /// <summary>Elements per float block of <see cref="SumOfSquaresDouble"/>.</summary>
    internal const int SquaresBlock = 4096;

    /// <summary>Σ a[i] in float.</summary>
    public static float Sum(ReadOnlySpan<float> a) => SimdPath.Width switch
    {
        SimdWidth.Vector512 => Sum<PartialSums512>(a),
        SimdWidth.Vector256 => Sum<PartialSums256>(a),
        SimdWidth.Vector128 => Sum<PartialSums128>(a),
        _ => Sum<PartialSums1>(a),
    };

    /// <summary>
    /// Σ a[i]² accumulated in double over float blocks of <see cref="SquaresBlock"/> elements (each summed like
    /// <see cref="Sum"/>), for norms that must not overflow or lose small terms. Long spans are split over the compute
    /// threads by whole blocks and the block totals added in block order, so the bits depend neither on the vector
    /// width nor on the thread count.
    /// </summary>
    public static unsafe double SumOfSquaresDouble(ReadOnlySpan<float> a)
    {
        fixed (float* x = a)
            return SquaresOfBlocks(new Values(x), new Values(x), a.Length, both: false).First;
    }

    /// <summary>
    /// <see cref="SumOfSquaresDouble"/> of θ and of u = g + λθ (λθ rounded, then added: optax's
    /// <c>add_decayed_weights</c>) in one pass that reads θ and g once and stores no u: LARS's two norms.
    /// </summary>
    public static unsafe (double Theta, double Decayed) SumsOfSquaresDouble(ReadOnlySpan<float> theta, ReadOnlySpan<float> grad, float decay)
    {
        if (grad.Length != theta.Length) throw new ArgumentException($"the gradient has {grad.Length} elements, the parameter {theta.Length}");
        fixed (float* t = theta, g = grad)
            return SquaresOfBlocks(new Values(t), new DecayedValues(g, t, decay), theta.Length, both: true);
    }

    /// <summary>Spans from this long are split over the compute threads (as the optimizer updates are).</summary>
    private const int ParallelSquares = 1 << 18;

    /// <summary>Blocks per task when the blocks are split over the compute threads.</summary>
    private const int BlocksPerTask = 16;

    private static unsafe (double First, double Second) SquaresOfBlocks<TA, TB>(TA a, TB b, int length, bool both)
        where TA : struct, ISquaresSource where TB : struct, ISquaresSource
    {
        double first = 0, second = 0;
        if (length < ParallelSquares || Threading.ComputeThreads.Count == 1)
        {
            for (int start = 0; start < length; start += SquaresBlock)
            {
                int n = Math.Min(SquaresBlock, length - start);
                first += BlockSquares(a, start, n);
                if (both) second += BlockSquares(b, start, n);
            }
            return (first, second);
        }

        // the same block totals, computed on every compute thread into an array, then added in the same order
        int blocks = (length + SquaresBlock - 1) / SquaresBlock;
        float[] rented = System.Buffers.ArrayPool<float>.Shared.Rent(2 * blocks);
        try
        {
            fixed (float* totals = rented)
            {
                Threading.ComputeThreads.For((blocks + BlocksPerTask - 1) / BlocksPerTask,
                    new BlockTotals<TA, TB>(a, b, length, both, totals, totals + blocks));
                for (int k = 0; k < blocks; k++) first += totals[k];
                if (both)
                    for (int k = 0; k < blocks; k++) second += totals[blocks + k];
                return (first, second);
            }
        }
        finally
        {
            System.Buffers.ArrayPool<float>.Shared.Return(rented);
        }
    }

    /// <summary>One task: the float totals of <see cref="BlocksPerTask"/> blocks, of one source or two.</summary>
    private readonly unsafe struct BlockTotals<TA, TB>(TA a, TB b, int length, bool both, float* first, float* second) : Threading.IComputeBody
        where TA : struct, ISquaresSource where TB : struct, ISquaresSource
    {
        public void Invoke(int task)
        {
            int begin = task * BlocksPerTask * SquaresBlock, end = (int)Math.Min(length, (long)begin + BlocksPerTask * SquaresBlock);
            for (int start = begin; start < end; start += SquaresBlock)
            {
                int n = Math.Min(SquaresBlock, end - start);
                first[start / SquaresBlock] = BlockSquares(a, start, n);
                if (both) second[start / SquaresBlock] = BlockSquares(b, start, n);
            }
        }
    }

    private static float BlockSquares<TSource>(TSource source, int start, int n) where TSource : struct, ISquaresSource =>
        SimdPath.Width switch
        {
            SimdWidth.Vector512 => BlockSquares<PartialSums512, TSource>(source, start, n),
            SimdWidth.Vector256 => BlockSquares<PartialSums256, TSource>(source, start, n),
            SimdWidth.Vector128 => BlockSquares<PartialSums128, TSource>(source, start, n),
            _ => BlockSquares<PartialSums1, TSource>(source, start, n),
        };

    /// <summary>The float total of one block's squares: sixteen partial sums of rounded squares, then the rest one by one.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float BlockSquares<TSums, TSource>(TSource source, int start, int n)
        where TSums : struct, IPartialSums<TSums> where TSource : struct, ISquaresSource
    {
        int i = 0;
        float total = 0f;
        if (n >= 16)
        {
            TSums sums = TSums.Square(source.Load<TSums>((nuint)start));
            for (i = 16; i <= n - 16; i += 16) sums += TSums.Square(source.Load<TSums>((nuint)(start + i)));
            total = sums.Total();
        }
        for (; i < n; i++)
        {
            float v = source.At((nuint)(start + i));
            total += v * v;
        }
        return total;
    }

    /// <summary>What a sum of squares squares: the values of a span, or values computed from two.</summary>
    private interface ISquaresSource
    {
        TSums Load<TSums>(nuint index) where TSums : struct, IPartialSums<TSums>;

        float At(nuint index);
    }

    private readonly unsafe struct Values(float* x) : ISquaresSource
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TSums Load<TSums>(nuint index) where TSums : struct, IPartialSums<TSums> => TSums.Load(ref x[index], 0);

        public float At(nuint index) => x[index];
    }

    /// <summary>g + λθ, the product rounded and then added.</summary>
    private readonly unsafe struct DecayedValues(float* g, float* theta, float decay) : ISquaresSource
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public TSums Load<TSums>(nuint index) where TSums : struct, IPartialSums<TSums> =>
            TSums.Load(ref g[index], 0) + TSums.Broadcast(decay) * TSums.Load(ref theta[index], 0);

        public float At(nuint index) => g[index] + decay * theta[index];
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static float Sum<TSums>(ReadOnlySpan<float> a) where TSums : struct, IPartialSums<TSums>
    {
        ref float r = ref MemoryMarshal.GetReference(a);
        int n = a.Length, i = 0;
        float total = 0f;
        if (n >= 16)
        {
            TSums sums = TSums.Load(ref r, 0);
            for (i = 16; i <= n - 16; i += 16) sums += TSums.Load(ref r, (nuint)i);
            total = sums.Total();
        }
        for (; i < n; i++) total += a[i];
        return total;
    }
}
