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
    /// <see cref="Sum"/>), for norms that must not overflow or lose small terms.
    /// </summary>
    public static double SumOfSquaresDouble(ReadOnlySpan<float> a) => SimdPath.Width switch
    {
        SimdWidth.Vector512 => SumOfSquaresDouble<PartialSums512>(a),
        SimdWidth.Vector256 => SumOfSquaresDouble<PartialSums256>(a),
        SimdWidth.Vector128 => SumOfSquaresDouble<PartialSums128>(a),
        _ => SumOfSquaresDouble<PartialSums1>(a),
    };

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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumOfSquaresDouble<TSums>(ReadOnlySpan<float> a) where TSums : struct, IPartialSums<TSums>
    {
        double sum = 0;
        for (int start = 0; start < a.Length; start += SquaresBlock)
        {
            var block = a.Slice(start, Math.Min(SquaresBlock, a.Length - start));
            ref float r = ref MemoryMarshal.GetReference(block);
            int n = block.Length, i = 0;
            float total = 0f;
            if (n >= 16)
            {
                TSums sums = TSums.Square(TSums.Load(ref r, 0));
                for (i = 16; i <= n - 16; i += 16) sums += TSums.Square(TSums.Load(ref r, (nuint)i));
                total = sums.Total();
            }
            for (; i < n; i++) total += block[i] * block[i];
            sum += total;
        }
        return sum;
    }
}
