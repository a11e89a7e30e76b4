using Descent.Threading;

namespace Descent.Tensors.Kernels;

/// <summary>
/// 2-D convolution of an NCHW batch one sample at a time: the samples are spread over the compute threads and
/// each one's work runs on its thread, in that core's cache. The forward pass uses <see cref="DirectConvolution"/>
/// on AVX-512 machines and im2col + GEMM elsewhere, which give the same bits; the gradients are im2col + GEMM.
/// Every output element is computed the same way whatever the thread count and the vector width.
/// </summary>
/// <remarks>
/// The weight gradient is a sum over the batch. It is accumulated in <see cref="WeightGradientGroups"/> fixed,
/// contiguous groups of samples (a number that depends only on the batch size), each into its own partial sum,
/// and the partials are then added in group order, so the result does not depend on which thread ran which group.
/// </remarks>
internal static unsafe class ConvolutionKernels
{
    /// <summary>The most groups the weight gradient is split into.</summary>
    public const int MaxWeightGradientGroups = 16;

    [ThreadStatic] private static float[]? t_columns;
    [ThreadStatic] private static float[]? t_columnGradient;
    [ThreadStatic] private static float[]? t_padded;

    /// <summary>Whether the direct kernels may be used (tests turn them off to check the im2col path).</summary>
    internal static bool DirectEnabled { get; set; } = true;

    /// <summary>
    /// The shallowest depth (C·KH·KW) the direct kernel is used for: below it the transposed store of each
    /// register tile costs more than the multiply-adds it saves, and im2col + GEMM is faster (measured on the 2c2d
    /// shapes: 5×5 over 1 channel, depth 25, takes 29 µs a sample direct against 15 µs).
    /// </summary>
    private const int DirectMinimumDepth = 128;

    /// <summary>Whether the forward pass of <paramref name="g"/> runs the direct kernel (and needs packed weights).</summary>
    public static bool UsesDirectForward(in Conv2dGeometry g) =>
        DirectEnabled && DirectConvolution.IsSupported && !g.IsPointwise
        && g.ColumnRows >= DirectMinimumDepth && FewPaddedChannels(g.OutChannels);

    /// <summary>True when rounding <paramref name="channels"/> up to whole vectors of 16 wastes at most a quarter of the lanes.</summary>
    private static bool FewPaddedChannels(int channels) => 4 * (DirectConvolution.PaddedChannels(channels) - channels) <= DirectConvolution.PaddedChannels(channels);

    /// <summary>How many sample groups the backward pass of a batch of <paramref name="batch"/> uses.</summary>
    public static int WeightGradientGroups(int batch) => Math.Max(1, Math.Min(batch, MaxWeightGradientGroups));

    /// <summary>
    /// y = conv(x, w) + b for the whole batch (y is overwritten). <paramref name="packedWeights"/> holds the weights
    /// packed by <see cref="DirectConvolution.PackWeights"/> when <see cref="UsesDirectForward"/>, else null.
    /// </summary>
    public static void Forward(in Conv2dGeometry g, float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, float[] y, int yOffset,
        float[]? packedWeights)
    {
        if (g.Batch == 0) return;
        long work = (long)g.Batch * g.OutputSize * g.ColumnRows;
        ComputeThreads.For(g.Batch, new ForwardBody(g, x, xOffset, w, wOffset, bias, biasOffset, y, yOffset, packedWeights), wakeSleepingWorkers: work >= 1 << 21);
    }

    /// <summary>
    /// The backward pass. Writes (or adds, with <paramref name="accumulateDx"/>) the input gradient into
    /// <paramref name="dx"/> when it is not null; writes per-group weight-gradient partials
    /// [groups, OC·C·KH·KW] into <paramref name="weightPartials"/> and per-sample bias sums [N, OC] into
    /// <paramref name="biasPartials"/> when those are not null. Reduce them with <see cref="SumPartials"/>.
    /// </summary>
    public static void Backward(in Conv2dGeometry g, float[] x, int xOffset, float[] w, int wOffset, float[] dy, int dyOffset,
        float[]? dx, int dxOffset, bool accumulateDx, float[]? weightPartials, float[]? biasPartials)
    {
        if (g.Batch == 0)
        {
            weightPartials?.AsSpan().Clear();
            return;
        }
        int groups = WeightGradientGroups(g.Batch);
        var body = new BackwardBody(g, groups, x, xOffset, w, wOffset, dy, dyOffset, dx, dxOffset, accumulateDx, weightPartials, biasPartials);
        ComputeThreads.For(groups, body);
    }

    /// <summary>
    /// dst (+)= Σ_i partials[i·length .. (i+1)·length) for i in [0, count), adding the partials in index order
    /// for every element (the elements are split across threads, never the sum).
    /// </summary>
    public static void SumPartials(float[] partials, int count, int length, Span<float> dst, bool accumulate)
    {
        if (length == 0) return;
        if (count == 0)
        {
            if (!accumulate) dst.Clear();
            return;
        }
        const int chunk = 4096;
        int chunks = (length + chunk - 1) / chunk;
        fixed (float* d = dst)
        {
            ComputeThreads.For(chunks, new SumBody(partials, count, length, d, accumulate, chunk), wakeSleepingWorkers: (long)count * length >= 1 << 18);
        }
    }

    private static float[] Scratch(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length < length) buffer = GC.AllocateUninitializedArray<float>(Math.Max(length, 16));
        return buffer;
    }

    private readonly struct ForwardBody(Conv2dGeometry g, float[] x, int xOffset, float[] w, int wOffset, float[]? bias, int biasOffset, float[] y, int yOffset,
        float[]? packedWeights) : IComputeBody
    {
        public void Invoke(int n)
        {
            if (packedWeights is not null)
            {
                Direct(n, packedWeights);
                return;
            }
            int k = g.ColumnRows, p = g.ColumnCols, oc = g.OutChannels;
            var output = y.AsSpan(yOffset + n * g.OutputSize, g.OutputSize);
            float beta = 0f;
            if (bias is not null)
            {
                for (int o = 0; o < oc; o++) output.Slice(o * p, p).Fill(bias[biasOffset + o]);
                beta = 1f;
            }
            float[] columns;
            int columnsOffset;
            if (g.IsPointwise)
            {
                columns = x;
                columnsOffset = xOffset + n * g.InputSize;
            }
            else
            {
                columns = Scratch(ref t_columns, k * p);
                columnsOffset = 0;
                Im2Col.Unfold(g, x.AsSpan(xOffset + n * g.InputSize, g.InputSize), columns, Scratch(ref t_padded, Im2Col.ScratchLength(g)));
            }
            fixed (float* pw = &w[wOffset], pc = &columns[columnsOffset], py = &y[yOffset + n * g.OutputSize])
                SerialGemm.Multiply(false, false, oc, p, k, 1f, pw, k, pc, p, beta, py, p);
        }

        private void Direct(int n, float[] packed)
        {
            int hp = g.InHeight + 2 * g.PadH, wp = g.InWidth + 2 * g.PadW;
            var sample = x.AsSpan(xOffset + n * g.InputSize, g.InputSize);
            float[] source = x;
            int sourceOffset = xOffset + n * g.InputSize;
            if (g.PadH != 0 || g.PadW != 0)
            {
                source = Scratch(ref t_padded, g.InChannels * hp * wp);
                sourceOffset = 0;
                DirectConvolution.Pad(sample, g.InChannels, g.InHeight, g.InWidth, g.PadH, g.PadW, source);
            }
            var plan = new DirectConvolution.Plan(g.InChannels, hp, wp, g.KernelHeight, g.KernelWidth, g.StrideH, g.StrideW, g.OutHeight, g.OutWidth, g.OutChannels);
            fixed (float* ps = &source[sourceOffset], pw = packed, py = &y[yOffset + n * g.OutputSize])
            {
                if (bias is null)
                {
                    DirectConvolution.Sample(plan, ps, pw, null, py);
                }
                else
                {
                    fixed (float* pb = &bias[biasOffset]) DirectConvolution.Sample(plan, ps, pw, pb, py);
                }
            }
        }
    }

    private readonly struct BackwardBody(Conv2dGeometry g, int groups, float[] x, int xOffset, float[] w, int wOffset, float[] dy, int dyOffset,
        float[]? dx, int dxOffset, bool accumulateDx, float[]? weightPartials, float[]? biasPartials) : IComputeBody
    {
        public void Invoke(int group)
        {
            int start = (int)((long)group * g.Batch / groups), end = (int)((long)(group + 1) * g.Batch / groups);
            int k = g.ColumnRows, p = g.ColumnCols, oc = g.OutChannels;
            for (int n = start; n < end; n++)
            {
                int dyAt = dyOffset + n * g.OutputSize;
                if (weightPartials is not null)
                {
                    float[] columns;
                    int columnsOffset;
                    if (g.IsPointwise)
                    {
                        columns = x;
                        columnsOffset = xOffset + n * g.InputSize;
                    }
                    else
                    {
                        columns = Scratch(ref t_columns, k * p);
                        columnsOffset = 0;
                        Im2Col.Unfold(g, x.AsSpan(xOffset + n * g.InputSize, g.InputSize), columns, Scratch(ref t_padded, Im2Col.ScratchLength(g)));
                    }
                    // dW_group (+)= dY_n · colᵀ
                    fixed (float* pdy = &dy[dyAt], pc = &columns[columnsOffset], pdw = &weightPartials[group * oc * k])
                        SerialGemm.Multiply(false, true, oc, k, p, 1f, pdy, p, pc, p, n == start ? 0f : 1f, pdw, k);
                }
                if (biasPartials is not null)
                {
                    var rows = dy.AsSpan(dyAt, g.OutputSize);
                    for (int o = 0; o < oc; o++) biasPartials[n * oc + o] = Elementwise.Sum(rows.Slice(o * p, p));
                }
                if (dx is not null)
                {
                    int dxAt = dxOffset + n * g.InputSize;
                    if (g.IsPointwise)
                    {
                        fixed (float* pw = &w[wOffset], pdy = &dy[dyAt], pdx = &dx[dxAt])
                            SerialGemm.Multiply(true, false, k, p, oc, 1f, pw, k, pdy, p, accumulateDx ? 1f : 0f, pdx, p);
                        continue;
                    }
                    // dcol = Wᵀ · dY_n, folded back onto dx_n.
                    var dcol = Scratch(ref t_columnGradient, k * p);
                    fixed (float* pw = &w[wOffset], pdy = &dy[dyAt], pdc = dcol)
                        SerialGemm.Multiply(true, false, k, p, oc, 1f, pw, k, pdy, p, 0f, pdc, p);
                    var sample = dx.AsSpan(dxAt, g.InputSize);
                    if (!accumulateDx) sample.Clear();
                    Im2Col.FoldAdd(g, dcol, sample, Scratch(ref t_padded, Im2Col.ScratchLength(g)));
                }
            }
        }
    }

    private readonly struct SumBody(float[] partials, int count, int length, float* dst, bool accumulate, int chunk) : IComputeBody
    {
        public void Invoke(int index)
        {
            int start = index * chunk, size = Math.Min(chunk, length - start);
            var d = new Span<float>(dst + start, size);
            if (accumulate) Elementwise.Add(d, partials.AsSpan(start, size), d);
            else partials.AsSpan(start, size).CopyTo(d);
            for (int i = 1; i < count; i++)
                Elementwise.Add(d, partials.AsSpan(i * length + start, size), d);
        }
    }
}
