using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Tensors.Kernels;

/// <summary>
/// The shape of one 2-D convolution over an NCHW batch: input [N, C, H, W], weight [OC, C, KH, KW], output
/// [N, OC, OH, OW] with OH = (H + 2·PH − KH) / SH + 1 (and likewise OW).
/// </summary>
internal readonly struct Conv2dGeometry
{
    public Conv2dGeometry(int batch, int inChannels, int inHeight, int inWidth, int outChannels,
        int kernelHeight, int kernelWidth, int strideH, int strideW, int padH, int padW)
    {
        Batch = batch;
        InChannels = inChannels;
        InHeight = inHeight;
        InWidth = inWidth;
        OutChannels = outChannels;
        KernelHeight = kernelHeight;
        KernelWidth = kernelWidth;
        StrideH = strideH;
        StrideW = strideW;
        PadH = padH;
        PadW = padW;
        OutHeight = (inHeight + 2 * padH - kernelHeight) / strideH + 1;
        OutWidth = (inWidth + 2 * padW - kernelWidth) / strideW + 1;
    }

    public readonly int Batch, InChannels, InHeight, InWidth, OutChannels;
    public readonly int KernelHeight, KernelWidth, StrideH, StrideW, PadH, PadW;
    public readonly int OutHeight, OutWidth;

    /// <summary>Rows of the column matrix: C·KH·KW, the depth of the GEMMs.</summary>
    public int ColumnRows => InChannels * KernelHeight * KernelWidth;

    /// <summary>Columns of the column matrix: OH·OW output positions.</summary>
    public int ColumnCols => OutHeight * OutWidth;

    /// <summary>Elements of one input sample.</summary>
    public int InputSize => InChannels * InHeight * InWidth;

    /// <summary>Elements of one output sample.</summary>
    public int OutputSize => OutChannels * OutHeight * OutWidth;

    /// <summary>True when the column matrix of a sample is the sample itself (1×1 kernel, stride 1, no padding).</summary>
    public bool IsPointwise => KernelHeight == 1 && KernelWidth == 1 && StrideH == 1 && StrideW == 1 && PadH == 0 && PadW == 0;
}

/// <summary>
/// Unfolds one NCHW sample into the column matrix of a convolution and folds it back. Row r = (c·KH + kh)·KW + kw
/// of the column matrix holds, at column oh·OW + ow, the input pixel x[c, oh·SH − PH + kh, ow·SW − PW + kw], or 0
/// where that falls in the padding; so the weight [OC, C, KH, KW] read as an [OC, C·KH·KW] matrix multiplies it.
/// </summary>
internal static class Im2Col
{
    /// <summary>Floats of scratch <see cref="Unfold"/> and <see cref="FoldAdd"/> need: one zero-padded sample.</summary>
    public static int ScratchLength(in Conv2dGeometry g) =>
        g.InChannels * (g.InHeight + 2 * g.PadH) * (g.InWidth + 2 * g.PadW);

    /// <summary>
    /// Writes the column matrix [C·KH·KW, OH·OW] of sample <paramref name="x"/> [C, H, W] to <paramref name="col"/>.
    /// At stride 1 the sample is first copied into <paramref name="scratch"/> with its zero border (at least
    /// <see cref="ScratchLength"/> floats), so every line of the column matrix is one straight copy.
    /// </summary>
    public static unsafe void Unfold(in Conv2dGeometry g, ReadOnlySpan<float> x, Span<float> col, Span<float> scratch)
    {
        if (g.StrideH != 1 || g.StrideW != 1)
        {
            UnfoldStrided(g, x, col);
            return;
        }
        int hp = g.InHeight + 2 * g.PadH, wp = g.InWidth + 2 * g.PadW;
        ReadOnlySpan<float> source = x;
        if (g.PadH != 0 || g.PadW != 0)
        {
            Pad(g, x, scratch);
            source = scratch;
        }
        int oh = g.OutHeight, ow = g.OutWidth, positions = oh * ow;
        fixed (float* ps = source, pc = col)
        {
            float* dst = pc;
            for (int c = 0; c < g.InChannels; c++)
            {
                float* plane = ps + (nint)c * hp * wp;
                for (int kh = 0; kh < g.KernelHeight; kh++)
                {
                    for (int kw = 0; kw < g.KernelWidth; kw++, dst += positions)
                    {
                        float* src = plane + kh * wp + kw;
                        for (int y = 0; y < oh; y++) CopyLine(src + (nint)y * wp, dst + (nint)y * ow, ow);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Adds the column matrix <paramref name="col"/> [C·KH·KW, OH·OW] back onto sample <paramref name="dx"/>
    /// [C, H, W] (the adjoint of <see cref="Unfold"/>), accumulating at stride 1 in the zero-padded
    /// <paramref name="scratch"/> first. Each pixel receives its terms in a fixed order.
    /// </summary>
    public static unsafe void FoldAdd(in Conv2dGeometry g, ReadOnlySpan<float> col, Span<float> dx, Span<float> scratch)
    {
        if (g.StrideH != 1 || g.StrideW != 1)
        {
            FoldAddStrided(g, col, dx);
            return;
        }
        int h = g.InHeight, w = g.InWidth, hp = h + 2 * g.PadH, wp = w + 2 * g.PadW;
        bool padded = g.PadH != 0 || g.PadW != 0;
        Span<float> target = padded ? scratch[..(g.InChannels * hp * wp)] : dx;
        if (padded) target.Clear();
        int oh = g.OutHeight, ow = g.OutWidth, positions = oh * ow;
        fixed (float* pt = target, pc = col)
        {
            float* src = pc;
            for (int c = 0; c < g.InChannels; c++)
            {
                float* plane = pt + (nint)c * hp * wp;
                for (int kh = 0; kh < g.KernelHeight; kh++)
                {
                    for (int kw = 0; kw < g.KernelWidth; kw++, src += positions)
                    {
                        float* dst = plane + kh * wp + kw;
                        for (int y = 0; y < oh; y++) AddLine(src + (nint)y * ow, dst + (nint)y * wp, ow);
                    }
                }
            }
        }
        if (!padded) return;
        for (int c = 0; c < g.InChannels; c++)
        {
            for (int r = 0; r < h; r++)
            {
                var line = dx.Slice((c * h + r) * w, w);
                Elementwise.Add(line, target.Slice((c * hp + r + g.PadH) * wp + g.PadW, w), line);
            }
        }
    }

    /// <summary>Copies sample <paramref name="x"/> into <paramref name="padded"/> [C, H + 2·PH, W + 2·PW] with a zero border.</summary>
    private static void Pad(in Conv2dGeometry g, ReadOnlySpan<float> x, Span<float> padded)
    {
        int h = g.InHeight, w = g.InWidth, hp = h + 2 * g.PadH, wp = w + 2 * g.PadW;
        for (int c = 0; c < g.InChannels; c++)
        {
            var plane = padded.Slice(c * hp * wp, hp * wp);
            plane[..(g.PadH * wp)].Clear();
            plane[((g.PadH + h) * wp)..].Clear();
            for (int r = 0; r < h; r++)
            {
                var line = plane.Slice((g.PadH + r) * wp, wp);
                line[..g.PadW].Clear();
                x.Slice((c * h + r) * w, w).CopyTo(line[g.PadW..]);
                line[(g.PadW + w)..].Clear();
            }
        }
    }

    /// <summary>
    /// dst[0..n) = src[0..n), with whole (possibly overlapping) vectors of the widest accelerated size that fits,
    /// for n ≥ 4. Copies are exact, so the width changes the speed only.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyLine(float* src, float* dst, int n)
    {
        if (n >= 16 && Vector512.IsHardwareAccelerated)
        {
            int i = 0;
            for (; i <= n - 16; i += 16) Vector512.Store(Vector512.Load(src + i), dst + i);
            if (i < n) Vector512.Store(Vector512.Load(src + n - 16), dst + n - 16);
        }
        else if (n >= 8 && Vector256.IsHardwareAccelerated)
        {
            int i = 0;
            for (; i <= n - 8; i += 8) Vector256.Store(Vector256.Load(src + i), dst + i);
            if (i < n) Vector256.Store(Vector256.Load(src + n - 8), dst + n - 8);
        }
        else if (n >= 4)
        {
            int i = 0;
            for (; i <= n - 4; i += 4) Vector128.Store(Vector128.Load(src + i), dst + i);
            if (i < n) Vector128.Store(Vector128.Load(src + n - 4), dst + n - 4);
        }
        else
        {
            for (int i = 0; i < n; i++) dst[i] = src[i];
        }
    }

    /// <summary>dst[0..n) += src[0..n) (<see cref="Elementwise.Add(ReadOnlySpan{float}, ReadOnlySpan{float}, Span{float})"/>, the widest path).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void AddLine(float* src, float* dst, int n)
    {
        var target = new Span<float>(dst, n);
        Elementwise.Add(target, new ReadOnlySpan<float>(src, n), target);
    }

    /// <summary>The general unfold, for any stride.</summary>
    private static void UnfoldStrided(in Conv2dGeometry g, ReadOnlySpan<float> x, Span<float> col)
    {
        int oh = g.OutHeight, ow = g.OutWidth, h = g.InHeight, w = g.InWidth;
        int positions = oh * ow;
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var plane = x.Slice(c * h * w, h * w);
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                for (int kw = 0; kw < g.KernelWidth; kw++, row++)
                {
                    var dst = col.Slice(row * positions, positions);
                    // Output columns [owLo, owHi) read inside the input row; the rest read padding.
                    int offset = kw - g.PadW;
                    int owLo = offset >= 0 ? 0 : Math.Min(ow, (-offset + g.StrideW - 1) / g.StrideW);
                    int owHi = Math.Max(owLo, Math.Min(ow, (w - 1 - offset) / g.StrideW + 1));
                    if (w - 1 - offset < 0) owHi = owLo;
                    for (int y = 0; y < oh; y++)
                    {
                        var line = dst.Slice(y * ow, ow);
                        int ih = y * g.StrideH - g.PadH + kh;
                        if ((uint)ih >= (uint)h || owLo == owHi)
                        {
                            line.Clear();
                            continue;
                        }
                        line[..owLo].Clear();
                        var src = plane.Slice(ih * w, w);
                        if (g.StrideW == 1)
                        {
                            src.Slice(owLo + offset, owHi - owLo).CopyTo(line[owLo..owHi]);
                        }
                        else
                        {
                            for (int x0 = owLo; x0 < owHi; x0++) line[x0] = src[x0 * g.StrideW + offset];
                        }
                        line[owHi..].Clear();
                    }
                }
            }
        }
    }

    /// <summary>The general fold, for any stride.</summary>
    private static void FoldAddStrided(in Conv2dGeometry g, ReadOnlySpan<float> col, Span<float> dx)
    {
        int oh = g.OutHeight, ow = g.OutWidth, h = g.InHeight, w = g.InWidth;
        int positions = oh * ow;
        int row = 0;
        for (int c = 0; c < g.InChannels; c++)
        {
            var plane = dx.Slice(c * h * w, h * w);
            for (int kh = 0; kh < g.KernelHeight; kh++)
            {
                for (int kw = 0; kw < g.KernelWidth; kw++, row++)
                {
                    var src = col.Slice(row * positions, positions);
                    int offset = kw - g.PadW;
                    int owLo = offset >= 0 ? 0 : Math.Min(ow, (-offset + g.StrideW - 1) / g.StrideW);
                    int owHi = Math.Max(owLo, Math.Min(ow, (w - 1 - offset) / g.StrideW + 1));
                    if (w - 1 - offset < 0 || owLo == owHi) continue;
                    for (int y = 0; y < oh; y++)
                    {
                        int ih = y * g.StrideH - g.PadH + kh;
                        if ((uint)ih >= (uint)h) continue;
                        var line = src.Slice(y * ow, ow);
                        var dst = plane.Slice(ih * w, w);
                        if (g.StrideW == 1)
                        {
                            var target = dst.Slice(owLo + offset, owHi - owLo);
                            Elementwise.Add(target, line[owLo..owHi], target);
                        }
                        else
                        {
                            for (int x0 = owLo; x0 < owHi; x0++) dst[x0 * g.StrideW + offset] += line[x0];
                        }
                    }
                }
            }
        }
    }
}
