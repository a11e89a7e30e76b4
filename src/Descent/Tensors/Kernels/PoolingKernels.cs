using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Descent.Threading;

namespace Descent.Tensors.Kernels;

/// <summary>
/// The windows of a 2-D pooling over the planes of an NCHW tensor, with PyTorch's output size: ⌊(H + 2·PH − KH) /
/// SH⌋ + 1 (or ⌈·⌉ in ceil mode, dropping a last window that would start in the bottom or right padding).
/// </summary>
internal readonly struct Pool2dGeometry
{
    public Pool2dGeometry(int planes, int inHeight, int inWidth, int kernelH, int kernelW, int strideH, int strideW, int padH, int padW, bool ceilMode)
    {
        Planes = planes;
        InHeight = inHeight;
        InWidth = inWidth;
        KernelH = kernelH;
        KernelW = kernelW;
        StrideH = strideH;
        StrideW = strideW;
        PadH = padH;
        PadW = padW;
        OutHeight = OutputSize(inHeight, kernelH, strideH, padH, ceilMode);
        OutWidth = OutputSize(inWidth, kernelW, strideW, padW, ceilMode);
    }

    public readonly int Planes, InHeight, InWidth, KernelH, KernelW, StrideH, StrideW, PadH, PadW, OutHeight, OutWidth;

    public int InPlane => InHeight * InWidth;

    public int OutPlane => OutHeight * OutWidth;

    /// <summary>PyTorch's pooling output length for one dimension (may be ≤ 0 when the window does not fit).</summary>
    public static int OutputSize(int input, int kernel, int stride, int pad, bool ceilMode)
    {
        int span = input + 2 * pad - kernel;
        if (span < 0) return 0;
        int size = (ceilMode ? (span + stride - 1) / stride : span / stride) + 1;
        if (ceilMode && (size - 1) * stride >= input + pad) size--;
        return size;
    }
}

/// <summary>
/// Max and average pooling over NCHW planes, forward and backward, parallel over planes. Each plane is handled
/// by one thread in a fixed order, so overlapping windows add up the same way whatever the thread count.
/// </summary>
internal static class PoolingKernels
{
    /// <summary>Planes handed out per parallel item.</summary>
    private const int PlanesPerItem = 16;

    /// <summary>
    /// y = the maximum of each window; <paramref name="indices"/> (when not null) receives, per output, the
    /// flat index within its input plane of the maximum (the first one on ties; a NaN wins, the last of several, as in PyTorch).
    /// </summary>
    public static void MaxForward(in Pool2dGeometry g, float[] x, int xOffset, float[] y, int yOffset, float[]? indices)
        => Run(g, new MaxForwardBody(g, x, xOffset, y, yOffset, indices));

    /// <summary>dx (+)= dy routed to the recorded maxima.</summary>
    public static void MaxBackward(in Pool2dGeometry g, float[] dy, int dyOffset, float[] indices, float[] dx, int dxOffset, bool accumulate)
        => Run(g, new MaxBackwardBody(g, dy, dyOffset, indices, dx, dxOffset, accumulate));

    /// <summary>y = the mean of each window, with PyTorch's divisor rules.</summary>
    public static void AverageForward(in Pool2dGeometry g, float[] x, int xOffset, float[] y, int yOffset, bool countIncludePad)
        => Run(g, new AverageBody(g, x, xOffset, y, yOffset, countIncludePad, backward: false, accumulate: false));

    /// <summary>dx (+)= dy / divisor spread over each window.</summary>
    public static void AverageBackward(in Pool2dGeometry g, float[] dy, int dyOffset, float[] dx, int dxOffset, bool countIncludePad, bool accumulate)
        => Run(g, new AverageBody(g, dy, dyOffset, dx, dxOffset, countIncludePad, backward: true, accumulate));

    private static void Run<TBody>(in Pool2dGeometry g, TBody body) where TBody : struct, IPlaneBody
    {
        int items = (g.Planes + PlanesPerItem - 1) / PlanesPerItem;
        long work = (long)g.Planes * g.OutPlane * g.KernelH * g.KernelW;
        ComputeThreads.For(items, new PlaneLoop<TBody>(body, g.Planes), wakeSleepingWorkers: work >= 1 << 20);
    }

    private interface IPlaneBody
    {
        void Plane(int plane);
    }

    private readonly struct PlaneLoop<TBody>(TBody body, int planes) : IComputeBody where TBody : struct, IPlaneBody
    {
        public void Invoke(int index)
        {
            int end = Math.Min(planes, (index + 1) * PlanesPerItem);
            for (int p = index * PlanesPerItem; p < end; p++) body.Plane(p);
        }
    }

    /// <summary>The clipped window of output (oh, ow): rows [h0, h1), columns [w0, w1).</summary>
    private static void Window(in Pool2dGeometry g, int oh, int ow, out int h0, out int h1, out int w0, out int w1)
    {
        h0 = oh * g.StrideH - g.PadH;
        w0 = ow * g.StrideW - g.PadW;
        h1 = Math.Min(h0 + g.KernelH, g.InHeight);
        w1 = Math.Min(w0 + g.KernelW, g.InWidth);
        h0 = Math.Max(h0, 0);
        w0 = Math.Max(w0, 0);
    }

    private readonly struct MaxForwardBody(Pool2dGeometry g, float[] x, int xOffset, float[] y, int yOffset, float[]? indices) : IPlaneBody
    {
        public void Plane(int plane)
        {
            var input = x.AsSpan(xOffset + plane * g.InPlane, g.InPlane);
            var output = y.AsSpan(yOffset + plane * g.OutPlane, g.OutPlane);
            var index = indices is null ? default : MemoryMarshal.Cast<float, int>(indices.AsSpan(plane * g.OutPlane, g.OutPlane));
            int w = g.InWidth;
            if (g.KernelH == 2 && g.KernelW == 2 && g.StrideH == 2 && g.StrideW == 2 && g.PadH == 0 && g.PadW == 0
                && 2 * g.OutHeight <= g.InHeight && 2 * g.OutWidth <= w)
            {
                // The common 2×2 stride-2 window, fully inside: no clipping.
                if (Vector128.IsHardwareAccelerated && g.OutWidth >= 4)
                {
                    for (int oh = 0; oh < g.OutHeight; oh++)
                        MaxRow2x2(input.Slice(2 * oh * w, 2 * w), w, 2 * oh * w, output.Slice(oh * g.OutWidth, g.OutWidth),
                            index.IsEmpty ? default : index.Slice(oh * g.OutWidth, g.OutWidth));
                    return;
                }
                for (int oh = 0, o = 0; oh < g.OutHeight; oh++)
                {
                    var top = input.Slice(2 * oh * w, w);
                    var bottom = input.Slice((2 * oh + 1) * w, w);
                    for (int ow = 0; ow < g.OutWidth; ow++, o++)
                    {
                        int c = 2 * ow, best = c;
                        float max = top[c];
                        float v = top[c + 1];
                        if (v > max || float.IsNaN(v)) { max = v; best = c + 1; }
                        v = bottom[c];
                        if (v > max || float.IsNaN(v)) { max = v; best = w + c; }
                        v = bottom[c + 1];
                        if (v > max || float.IsNaN(v)) { max = v; best = w + c + 1; }
                        output[o] = max;
                        if (!index.IsEmpty) index[o] = 2 * oh * w + best;
                    }
                }
                return;
            }
            for (int oh = 0, o = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++, o++)
                {
                    Window(g, oh, ow, out int h0, out int h1, out int w0, out int w1);
                    float max = float.NegativeInfinity;
                    int best = h0 * w + w0;
                    for (int ih = h0; ih < h1; ih++)
                    {
                        var row = input.Slice(ih * w, w);
                        for (int iw = w0; iw < w1; iw++)
                        {
                            float v = row[iw];
                            if (v > max || float.IsNaN(v))
                            {
                                max = v;
                                best = ih * w + iw;
                            }
                        }
                    }
                    output[o] = max;
                    if (!index.IsEmpty) index[o] = best;
                }
            }
        }
    }

    /// <summary>
    /// One output row of a 2×2 stride-2 max pool, vectorized: <paramref name="rows"/> holds the two input rows
    /// (width <paramref name="w"/>, starting at flat plane index <paramref name="first"/>). The four candidates of
    /// each window are compared in scan order with branch-free selects (a later value wins if greater, or NaN), so
    /// the result and the index are those of the scalar loop. Chunks of 8 (or 4) outputs; a last partial chunk is
    /// recomputed overlapping the previous one.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void MaxRow2x2(ReadOnlySpan<float> rows, int w, int first, Span<float> output, Span<int> index)
    {
        int ow = output.Length;
        fixed (float* pr = rows, po = output)
        fixed (int* pi = index)
        {
            if (ow >= 8 && Vector256.IsHardwareAccelerated)
            {
                var lane = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
                for (int j = 0; ; j += 8)
                {
                    if (j > ow - 8) j = ow - 8;
                    float* top = pr + 2 * j, bottom = top + w;
                    var (a, b) = Deinterleave(Vector256.Load(top), Vector256.Load(top + 8));
                    var (c, d) = Deinterleave(Vector256.Load(bottom), Vector256.Load(bottom + 8));
                    var at = lane + Vector256.Create(first + 2 * j);
                    var max = a;
                    var arg = at;
                    var take = Vector256.GreaterThan(b, max) | ~Vector256.Equals(b, b);
                    max = Vector256.ConditionalSelect(take, b, max);
                    arg = Vector256.ConditionalSelect(take.AsInt32(), at + Vector256<int>.One, arg);
                    take = Vector256.GreaterThan(c, max) | ~Vector256.Equals(c, c);
                    max = Vector256.ConditionalSelect(take, c, max);
                    arg = Vector256.ConditionalSelect(take.AsInt32(), at + Vector256.Create(w), arg);
                    take = Vector256.GreaterThan(d, max) | ~Vector256.Equals(d, d);
                    max = Vector256.ConditionalSelect(take, d, max);
                    arg = Vector256.ConditionalSelect(take.AsInt32(), at + Vector256.Create(w + 1), arg);
                    max.Store(po + j);
                    if (pi != null) arg.Store(pi + j);
                    if (j == ow - 8) break;
                }
            }
            else
            {
                var lane = Vector128.Create(0, 2, 4, 6);
                for (int j = 0; ; j += 4)
                {
                    if (j > ow - 4) j = ow - 4;
                    float* top = pr + 2 * j, bottom = top + w;
                    var (a, b) = Deinterleave(Vector128.Load(top), Vector128.Load(top + 4));
                    var (c, d) = Deinterleave(Vector128.Load(bottom), Vector128.Load(bottom + 4));
                    var at = lane + Vector128.Create(first + 2 * j);
                    var max = a;
                    var arg = at;
                    var take = Vector128.GreaterThan(b, max) | ~Vector128.Equals(b, b);
                    max = Vector128.ConditionalSelect(take, b, max);
                    arg = Vector128.ConditionalSelect(take.AsInt32(), at + Vector128<int>.One, arg);
                    take = Vector128.GreaterThan(c, max) | ~Vector128.Equals(c, c);
                    max = Vector128.ConditionalSelect(take, c, max);
                    arg = Vector128.ConditionalSelect(take.AsInt32(), at + Vector128.Create(w), arg);
                    take = Vector128.GreaterThan(d, max) | ~Vector128.Equals(d, d);
                    max = Vector128.ConditionalSelect(take, d, max);
                    arg = Vector128.ConditionalSelect(take.AsInt32(), at + Vector128.Create(w + 1), arg);
                    max.Store(po + j);
                    if (pi != null) arg.Store(pi + j);
                    if (j == ow - 4) break;
                }
            }
        }
    }

    /// <summary>The even- and odd-indexed elements of the 16 values lo ++ hi (AVX2 shuffles where present, else the portable form).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector256<float> Even, Vector256<float> Odd) Deinterleave(Vector256<float> lo, Vector256<float> hi)
    {
        if (!Avx2.IsSupported) return DeinterleavePortable(lo, hi);
        // vshufps picks within 128-bit lanes: [lo0 lo2 hi0 hi2 | lo4 lo6 hi4 hi6]; then order the 64-bit pairs.
        var even = Avx.Shuffle(lo, hi, 0b10_00_10_00);
        var odd = Avx.Shuffle(lo, hi, 0b11_01_11_01);
        return (Avx2.Permute4x64(even.AsDouble(), 0b11_01_10_00).AsSingle(), Avx2.Permute4x64(odd.AsDouble(), 0b11_01_10_00).AsSingle());
    }

    /// <summary>The even- and odd-indexed elements of the 8 values lo ++ hi (SSE shuffles on x64, the portable form elsewhere).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector128<float> Even, Vector128<float> Odd) Deinterleave(Vector128<float> lo, Vector128<float> hi) =>
        Sse.IsSupported
            ? (Sse.Shuffle(lo, hi, 0b10_00_10_00), Sse.Shuffle(lo, hi, 0b11_01_11_01))
            : DeinterleavePortable(lo, hi);

    /// <summary>
    /// The portable twin of <see cref="Deinterleave(Vector256{float}, Vector256{float})"/>: each 64-bit pair holds an
    /// even element in its low half and an odd one in its high half, so narrowing the pairs keeps the evens.
    /// </summary>
    internal static (Vector256<float> Even, Vector256<float> Odd) DeinterleavePortable(Vector256<float> lo, Vector256<float> hi) =>
        (Vector256.Narrow(lo.AsUInt64(), hi.AsUInt64()).AsSingle(), Vector256.Narrow(lo.AsUInt64() >>> 32, hi.AsUInt64() >>> 32).AsSingle());

    /// <summary>The portable twin of <see cref="Deinterleave(Vector128{float}, Vector128{float})"/>.</summary>
    internal static (Vector128<float> Even, Vector128<float> Odd) DeinterleavePortable(Vector128<float> lo, Vector128<float> hi) =>
        (Vector128.Narrow(lo.AsUInt64(), hi.AsUInt64()).AsSingle(), Vector128.Narrow(lo.AsUInt64() >>> 32, hi.AsUInt64() >>> 32).AsSingle());

    private readonly struct MaxBackwardBody(Pool2dGeometry g, float[] dy, int dyOffset, float[] indices, float[] dx, int dxOffset, bool accumulate) : IPlaneBody
    {
        public void Plane(int plane)
        {
            var grad = dy.AsSpan(dyOffset + plane * g.OutPlane, g.OutPlane);
            var target = dx.AsSpan(dxOffset + plane * g.InPlane, g.InPlane);
            var index = MemoryMarshal.Cast<float, int>(indices.AsSpan(plane * g.OutPlane, g.OutPlane));
            if (!accumulate) target.Clear();
            for (int o = 0; o < grad.Length; o++) target[index[o]] += grad[o];
        }
    }

    private readonly struct AverageBody(Pool2dGeometry g, float[] source, int sourceOffset, float[] destination, int destinationOffset,
        bool countIncludePad, bool backward, bool accumulate) : IPlaneBody
    {
        public void Plane(int plane)
        {
            int w = g.InWidth;
            if (!backward)
            {
                var input = source.AsSpan(sourceOffset + plane * g.InPlane, g.InPlane);
                var output = destination.AsSpan(destinationOffset + plane * g.OutPlane, g.OutPlane);
                for (int oh = 0, o = 0; oh < g.OutHeight; oh++)
                {
                    for (int ow = 0; ow < g.OutWidth; ow++, o++)
                    {
                        float divisor = Divisor(oh, ow, out int h0, out int h1, out int w0, out int w1);
                        float sum = 0f;
                        for (int ih = h0; ih < h1; ih++)
                            for (int iw = w0; iw < w1; iw++) sum += input[ih * w + iw];
                        output[o] = sum / divisor;
                    }
                }
                return;
            }
            var grad = source.AsSpan(sourceOffset + plane * g.OutPlane, g.OutPlane);
            var target = destination.AsSpan(destinationOffset + plane * g.InPlane, g.InPlane);
            if (!accumulate) target.Clear();
            for (int oh = 0, o = 0; oh < g.OutHeight; oh++)
            {
                for (int ow = 0; ow < g.OutWidth; ow++, o++)
                {
                    float divisor = Divisor(oh, ow, out int h0, out int h1, out int w0, out int w1);
                    float share = grad[o] / divisor;
                    for (int ih = h0; ih < h1; ih++)
                        for (int iw = w0; iw < w1; iw++) target[ih * w + iw] += share;
                }
            }
        }

        /// <summary>PyTorch's divisor: the window clipped to the padded input, or to the input alone.</summary>
        private float Divisor(int oh, int ow, out int h0, out int h1, out int w0, out int w1)
        {
            h0 = oh * g.StrideH - g.PadH;
            w0 = ow * g.StrideW - g.PadW;
            h1 = Math.Min(h0 + g.KernelH, g.InHeight + g.PadH);
            w1 = Math.Min(w0 + g.KernelW, g.InWidth + g.PadW);
            int padded = (h1 - h0) * (w1 - w0);
            h0 = Math.Max(h0, 0);
            w0 = Math.Max(w0, 0);
            h1 = Math.Min(h1, g.InHeight);
            w1 = Math.Min(w1, g.InWidth);
            return countIncludePad ? padded : Math.Max(1, (h1 - h0) * (w1 - w0));
        }
    }
}
