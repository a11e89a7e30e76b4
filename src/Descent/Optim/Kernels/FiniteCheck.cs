using System.Runtime.CompilerServices;
using Descent.Simd;
using Descent.Tensors;
using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>
/// Whether a tensor holds only finite values: the scan an optimizer makes of every gradient before a step under
/// <see cref="NonFinitePolicy.Throw"/> and <see cref="NonFinitePolicy.SkipStep"/>.
/// </summary>
/// <remarks>
/// The scan reads the gradient at full memory bandwidth (four independent vector accumulators of x − x, which stays 0
/// for every finite x and turns NaN at the first ±∞ or NaN) on the widest vector width, split over the compute
/// threads for large tensors. Large tensors are scanned from their last chunk to their first, and
/// <see cref="Optimizer"/> scans its parameters from last to first, so the step that follows, which runs from the
/// first element, finds the most recently scanned part of the gradient still in the last-level cache.
/// </remarks>
internal static unsafe class FiniteCheck
{
    public static bool AllFinite(Tensor tensor) => AllFinite(tensor.Span);

    public static bool AllFinite(ReadOnlySpan<float> values)
    {
        int n = values.Length;
        if (n == 0) return true;
        fixed (float* p = values)
        {
            if (n < ElementwiseChunks.ParallelThreshold || ComputeThreads.Count == 1)
                return !AnyNonFinite(p, n);
            int chunks = (n + ElementwiseChunks.ChunkSize - 1) / ElementwiseChunks.ChunkSize;
            int found = 0;
            ComputeThreads.For(chunks, new LastChunkFirst(p, n, chunks, &found));
            return found == 0;
        }
    }

    /// <summary>Scans chunk count − 1 − index, so the chunks are handed out from the end of the tensor.</summary>
    private readonly struct LastChunkFirst(float* values, int length, int chunks, int* found) : IComputeBody
    {
        public void Invoke(int index)
        {
            int start = (chunks - 1 - index) * ElementwiseChunks.ChunkSize;
            if (Volatile.Read(ref *found) == 0 && AnyNonFinite(values + start, Math.Min(ElementwiseChunks.ChunkSize, length - start)))
                Volatile.Write(ref *found, 1);
        }
    }

    private static bool AnyNonFinite(float* values, int length)
    {
        return SimdPath.Width switch
        {
            SimdWidth.Vector512 => Scan<Lanes512>(values, length),
            SimdWidth.Vector256 => Scan<Lanes256>(values, length),
            SimdWidth.Vector128 => Scan<Lanes128>(values, length),
            _ => Scan<Lane1>(values, length),
        };
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static bool Scan<L>(float* values, int length) where L : struct, ILanes<L>
    {
        var zero = L.Create(0f);
        L a = zero, b = zero, c = zero, d = zero;
        int i = 0, step = 4 * L.Count;
        for (; i <= length - step; i += step)
        {
            var x0 = L.Load(values + i);
            var x1 = L.Load(values + i + L.Count);
            var x2 = L.Load(values + i + 2 * L.Count);
            var x3 = L.Load(values + i + 3 * L.Count);
            a += x0 - x0;
            b += x1 - x1;
            c += x2 - x2;
            d += x3 - x3;
        }
        if (L.Any(L.NonFinite(a + b + c + d))) return true;
        for (; i < length; i++)
            if (!float.IsFinite(values[i])) return true;
        return false;
    }
}
