using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Tensors.Kernels;

/// <summary>
/// Direct 2-D convolution of one zero-padded sample on AVX-512, with no column matrix: the weights are packed once
/// as a [C·KH·KW, OCp] matrix (OCp = OC rounded up to 16), and a register tile of R output pixels × 16·V output
/// channels (6 × 64, 12 × 32 or 12 × 16) is accumulated over every (c, kh, kw), each step loading V weight vectors
/// and broadcasting R input pixels straight from the padded sample. It is im2col + GEMM with the im2col and the
/// packing folded into the micro-kernel's loads.
/// </summary>
/// <remarks>
/// Every output is a fused multiply-add chain over (c, kh, kw) in that order, cut into the GEMM's depth blocks,
/// whatever the tile, the thread or the thread count: the same arithmetic as im2col + GEMM, which machines without
/// AVX-512 run, so the forward pass gives the same bits on every machine. Used for the forward pass only: an input
/// gradient computed directly would sum over (o, kh, kw) in one chain where im2col + GEMM folds per-tap sums, and
/// the bits would then depend on the machine.
/// </remarks>
internal static unsafe class DirectConvolution
{
    /// <summary>Whether this machine runs the kernels (AVX-512).</summary>
    public static bool IsSupported => Vector512.IsHardwareAccelerated;

    /// <summary>Output channels rounded up to whole vectors of 16.</summary>
    public static int PaddedChannels(int channels) => (channels + 15) & ~15;

    /// <summary>
    /// Packs <paramref name="w"/> [OC, K] (K = C·KH·KW) into <paramref name="packed"/> [K, OCp], transposed, with the
    /// padding columns zero.
    /// </summary>
    public static void PackWeights(ReadOnlySpan<float> w, int outChannels, int k, Span<float> packed)
    {
        int ocp = PaddedChannels(outChannels);
        for (int r = 0; r < k; r++)
        {
            var row = packed.Slice(r * ocp, ocp);
            for (int o = 0; o < outChannels; o++) row[o] = w[o * k + r];
            row[outChannels..].Clear();
        }
    }

    /// <summary>
    /// Copies <paramref name="channels"/> planes of <paramref name="h"/>×<paramref name="w"/> into
    /// <paramref name="padded"/> with a zero border of <paramref name="ph"/> rows and <paramref name="pw"/> columns.
    /// </summary>
    public static void Pad(ReadOnlySpan<float> source, int channels, int h, int w, int ph, int pw, Span<float> padded)
    {
        int hp = h + 2 * ph, wp = w + 2 * pw;
        for (int c = 0; c < channels; c++)
        {
            var plane = padded.Slice(c * hp * wp, hp * wp);
            plane[..(ph * wp)].Clear();
            plane[((ph + h) * wp)..].Clear();
            for (int r = 0; r < h; r++)
            {
                var line = plane.Slice((ph + r) * wp, wp);
                line[..pw].Clear();
                source.Slice((c * h + r) * w, w).CopyTo(line[pw..]);
                line[(pw + w)..].Clear();
            }
        }
    }

    /// <summary>The shape of one direct convolution of a padded sample.</summary>
    public readonly struct Plan(int inChannels, int paddedHeight, int paddedWidth, int kernelH, int kernelW, int strideH, int strideW,
        int outHeight, int outWidth, int outChannels)
    {
        public readonly int InChannels = inChannels, PaddedHeight = paddedHeight, PaddedWidth = paddedWidth;
        public readonly int KernelH = kernelH, KernelW = kernelW, StrideH = strideH, StrideW = strideW;
        public readonly int OutHeight = outHeight, OutWidth = outWidth, OutChannels = outChannels;
    }

    /// <summary>
    /// y[o, p] = bias[o] + Σ_(c,kh,kw) packed[(c,kh,kw), o]·x[c, p's window] for one sample: <paramref name="x"/> is
    /// the padded sample [C, Hp, Wp], <paramref name="y"/> [OC, OH·OW], <paramref name="bias"/> may be null. The
    /// depth is cut into the GEMM's blocks (<see cref="GemmDriver.DepthBlock"/>): each block's chain starts from zero
    /// and is then added to the running output, the first one to the bias, exactly as im2col + GEMM computes it
    /// with C prefilled with the bias, so both give the same bits.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sample(in Plan plan, float* x, float* packed, float* bias, float* y)
    {
        int ocp = PaddedChannels(plan.OutChannels);
        int pixels = plan.OutHeight * plan.OutWidth;
        int depth = plan.InChannels * plan.KernelH * plan.KernelW;
        int block = GemmDriver.DepthBlock(depth);
        int* offsets = stackalloc int[12];
        float* tile = stackalloc float[12 * 64];
        int[] depthOffsets = DepthOffsets(plan, depth);
        fixed (int* pd = depthOffsets)
        {
            for (int o0 = 0, width; o0 < plan.OutChannels; o0 += 16 * width)
            {
                int remaining = (ocp - o0) / 16;
                width = remaining >= 4 ? 4 : remaining >= 2 ? 2 : 1;
                int rows = width == 4 ? 6 : 12;
                for (int p0 = 0; p0 < pixels; p0 += rows)
                {
                    int count = Math.Min(rows, pixels - p0);
                    for (int r = 0; r < rows; r++)
                    {
                        int p = Math.Min(p0 + r, pixels - 1);
                        offsets[r] = p / plan.OutWidth * plan.StrideH * plan.PaddedWidth + p % plan.OutWidth * plan.StrideW;
                    }
                    int channels = Math.Min(16 * width, plan.OutChannels - o0);
                    int stride = 16 * width;
                    for (int k0 = 0; k0 < depth; k0 += block)
                    {
                        int k1 = Math.Min(depth, k0 + block);
                        float* w = packed + (nint)k0 * ocp + o0;
                        if (width == 4) Tile6x4(x, pd, k0, k1, w, ocp, offsets, tile);
                        else if (width == 2) Tile12x2(x, pd, k0, k1, w, ocp, offsets, tile);
                        else Tile12x1(x, pd, k0, k1, w, ocp, offsets, tile);
                        for (int o = 0; o < channels; o++)
                        {
                            float* dst = y + (nint)(o0 + o) * pixels + p0;
                            if (k0 > 0)
                            {
                                for (int r = 0; r < count; r++) dst[r] = tile[r * stride + o] + dst[r];
                            }
                            else if (bias != null)
                            {
                                float b = bias[o0 + o];
                                for (int r = 0; r < count; r++) dst[r] = tile[r * stride + o] + b;
                            }
                            else
                            {
                                for (int r = 0; r < count; r++) dst[r] = tile[r * stride + o];
                            }
                        }
                    }
                }
            }
        }
    }

    [ThreadStatic] private static int[]? t_depthOffsets;

    /// <summary>Offset in the padded sample of depth step (c, kh, kw): c·Hp·Wp + kh·Wp + kw, in depth order.</summary>
    private static int[] DepthOffsets(in Plan plan, int depth)
    {
        if (t_depthOffsets is null || t_depthOffsets.Length < depth) t_depthOffsets = new int[Math.Max(depth, 64)];
        int[] offsets = t_depthOffsets;
        int k = 0;
        for (int c = 0; c < plan.InChannels; c++)
            for (int i = 0; i < plan.KernelH; i++)
                for (int j = 0; j < plan.KernelW; j++)
                    offsets[k++] = (c * plan.PaddedHeight + i) * plan.PaddedWidth + j;
        return offsets;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile6x4(float* x, int* depthOffsets, int k0, int k1, float* w, int ldw, int* offsets, float* tile)
    {
        Vector512<float> a00 = default, a01 = default, a02 = default, a03 = default, a10 = default, a11 = default, a12 = default, a13 = default;
        Vector512<float> a20 = default, a21 = default, a22 = default, a23 = default, a30 = default, a31 = default, a32 = default, a33 = default;
        Vector512<float> a40 = default, a41 = default, a42 = default, a43 = default, a50 = default, a51 = default, a52 = default, a53 = default;
        nint b0 = offsets[0], b1 = offsets[1], b2 = offsets[2], b3 = offsets[3], b4 = offsets[4], b5 = offsets[5];
        for (int k = k0; k < k1; k++, w += ldw)
        {
            float* s = x + depthOffsets[k];
            var w0 = Vector512.Load(w);
            var w1 = Vector512.Load(w + 16);
            var w2 = Vector512.Load(w + 32);
            var w3 = Vector512.Load(w + 48);
            var v = Vector512.Create(s[b0]);
            a00 = Vector512.FusedMultiplyAdd(v, w0, a00); a01 = Vector512.FusedMultiplyAdd(v, w1, a01);
            a02 = Vector512.FusedMultiplyAdd(v, w2, a02); a03 = Vector512.FusedMultiplyAdd(v, w3, a03);
            v = Vector512.Create(s[b1]);
            a10 = Vector512.FusedMultiplyAdd(v, w0, a10); a11 = Vector512.FusedMultiplyAdd(v, w1, a11);
            a12 = Vector512.FusedMultiplyAdd(v, w2, a12); a13 = Vector512.FusedMultiplyAdd(v, w3, a13);
            v = Vector512.Create(s[b2]);
            a20 = Vector512.FusedMultiplyAdd(v, w0, a20); a21 = Vector512.FusedMultiplyAdd(v, w1, a21);
            a22 = Vector512.FusedMultiplyAdd(v, w2, a22); a23 = Vector512.FusedMultiplyAdd(v, w3, a23);
            v = Vector512.Create(s[b3]);
            a30 = Vector512.FusedMultiplyAdd(v, w0, a30); a31 = Vector512.FusedMultiplyAdd(v, w1, a31);
            a32 = Vector512.FusedMultiplyAdd(v, w2, a32); a33 = Vector512.FusedMultiplyAdd(v, w3, a33);
            v = Vector512.Create(s[b4]);
            a40 = Vector512.FusedMultiplyAdd(v, w0, a40); a41 = Vector512.FusedMultiplyAdd(v, w1, a41);
            a42 = Vector512.FusedMultiplyAdd(v, w2, a42); a43 = Vector512.FusedMultiplyAdd(v, w3, a43);
            v = Vector512.Create(s[b5]);
            a50 = Vector512.FusedMultiplyAdd(v, w0, a50); a51 = Vector512.FusedMultiplyAdd(v, w1, a51);
            a52 = Vector512.FusedMultiplyAdd(v, w2, a52); a53 = Vector512.FusedMultiplyAdd(v, w3, a53);
        }
        a00.Store(tile); a01.Store(tile + 16); a02.Store(tile + 32); a03.Store(tile + 48);
        a10.Store(tile + 64); a11.Store(tile + 80); a12.Store(tile + 96); a13.Store(tile + 112);
        a20.Store(tile + 128); a21.Store(tile + 144); a22.Store(tile + 160); a23.Store(tile + 176);
        a30.Store(tile + 192); a31.Store(tile + 208); a32.Store(tile + 224); a33.Store(tile + 240);
        a40.Store(tile + 256); a41.Store(tile + 272); a42.Store(tile + 288); a43.Store(tile + 304);
        a50.Store(tile + 320); a51.Store(tile + 336); a52.Store(tile + 352); a53.Store(tile + 368);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile12x2(float* x, int* depthOffsets, int k0, int k1, float* w, int ldw, int* offsets, float* tile)
    {
        Vector512<float> a00 = default, a01 = default, a10 = default, a11 = default, a20 = default, a21 = default;
        Vector512<float> a30 = default, a31 = default, a40 = default, a41 = default, a50 = default, a51 = default;
        Vector512<float> a60 = default, a61 = default, a70 = default, a71 = default, a80 = default, a81 = default;
        Vector512<float> a90 = default, a91 = default, aA0 = default, aA1 = default, aB0 = default, aB1 = default;
        nint b0 = offsets[0], b1 = offsets[1], b2 = offsets[2], b3 = offsets[3], b4 = offsets[4], b5 = offsets[5];
        nint b6 = offsets[6], b7 = offsets[7], b8 = offsets[8], b9 = offsets[9], bA = offsets[10], bB = offsets[11];
        for (int k = k0; k < k1; k++, w += ldw)
        {
            float* s = x + depthOffsets[k];
            var w0 = Vector512.Load(w);
            var w1 = Vector512.Load(w + 16);
            var v = Vector512.Create(s[b0]); a00 = Vector512.FusedMultiplyAdd(v, w0, a00); a01 = Vector512.FusedMultiplyAdd(v, w1, a01);
            v = Vector512.Create(s[b1]); a10 = Vector512.FusedMultiplyAdd(v, w0, a10); a11 = Vector512.FusedMultiplyAdd(v, w1, a11);
            v = Vector512.Create(s[b2]); a20 = Vector512.FusedMultiplyAdd(v, w0, a20); a21 = Vector512.FusedMultiplyAdd(v, w1, a21);
            v = Vector512.Create(s[b3]); a30 = Vector512.FusedMultiplyAdd(v, w0, a30); a31 = Vector512.FusedMultiplyAdd(v, w1, a31);
            v = Vector512.Create(s[b4]); a40 = Vector512.FusedMultiplyAdd(v, w0, a40); a41 = Vector512.FusedMultiplyAdd(v, w1, a41);
            v = Vector512.Create(s[b5]); a50 = Vector512.FusedMultiplyAdd(v, w0, a50); a51 = Vector512.FusedMultiplyAdd(v, w1, a51);
            v = Vector512.Create(s[b6]); a60 = Vector512.FusedMultiplyAdd(v, w0, a60); a61 = Vector512.FusedMultiplyAdd(v, w1, a61);
            v = Vector512.Create(s[b7]); a70 = Vector512.FusedMultiplyAdd(v, w0, a70); a71 = Vector512.FusedMultiplyAdd(v, w1, a71);
            v = Vector512.Create(s[b8]); a80 = Vector512.FusedMultiplyAdd(v, w0, a80); a81 = Vector512.FusedMultiplyAdd(v, w1, a81);
            v = Vector512.Create(s[b9]); a90 = Vector512.FusedMultiplyAdd(v, w0, a90); a91 = Vector512.FusedMultiplyAdd(v, w1, a91);
            v = Vector512.Create(s[bA]); aA0 = Vector512.FusedMultiplyAdd(v, w0, aA0); aA1 = Vector512.FusedMultiplyAdd(v, w1, aA1);
            v = Vector512.Create(s[bB]); aB0 = Vector512.FusedMultiplyAdd(v, w0, aB0); aB1 = Vector512.FusedMultiplyAdd(v, w1, aB1);
        }
        a00.Store(tile); a01.Store(tile + 16); a10.Store(tile + 32); a11.Store(tile + 48);
        a20.Store(tile + 64); a21.Store(tile + 80); a30.Store(tile + 96); a31.Store(tile + 112);
        a40.Store(tile + 128); a41.Store(tile + 144); a50.Store(tile + 160); a51.Store(tile + 176);
        a60.Store(tile + 192); a61.Store(tile + 208); a70.Store(tile + 224); a71.Store(tile + 240);
        a80.Store(tile + 256); a81.Store(tile + 272); a90.Store(tile + 288); a91.Store(tile + 304);
        aA0.Store(tile + 320); aA1.Store(tile + 336); aB0.Store(tile + 352); aB1.Store(tile + 368);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile12x1(float* x, int* depthOffsets, int k0, int k1, float* w, int ldw, int* offsets, float* tile)
    {
        Vector512<float> a0 = default, a1 = default, a2 = default, a3 = default, a4 = default, a5 = default;
        Vector512<float> a6 = default, a7 = default, a8 = default, a9 = default, aA = default, aB = default;
        nint b0 = offsets[0], b1 = offsets[1], b2 = offsets[2], b3 = offsets[3], b4 = offsets[4], b5 = offsets[5];
        nint b6 = offsets[6], b7 = offsets[7], b8 = offsets[8], b9 = offsets[9], bA = offsets[10], bB = offsets[11];
        for (int k = k0; k < k1; k++, w += ldw)
        {
            float* s = x + depthOffsets[k];
            var w0 = Vector512.Load(w);
            a0 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b0]), w0, a0);
            a1 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b1]), w0, a1);
            a2 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b2]), w0, a2);
            a3 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b3]), w0, a3);
            a4 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b4]), w0, a4);
            a5 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b5]), w0, a5);
            a6 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b6]), w0, a6);
            a7 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b7]), w0, a7);
            a8 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b8]), w0, a8);
            a9 = Vector512.FusedMultiplyAdd(Vector512.Create(s[b9]), w0, a9);
            aA = Vector512.FusedMultiplyAdd(Vector512.Create(s[bA]), w0, aA);
            aB = Vector512.FusedMultiplyAdd(Vector512.Create(s[bB]), w0, aB);
        }
        a0.Store(tile); a1.Store(tile + 16); a2.Store(tile + 32); a3.Store(tile + 48);
        a4.Store(tile + 64); a5.Store(tile + 80); a6.Store(tile + 96); a7.Store(tile + 112);
        a8.Store(tile + 128); a9.Store(tile + 144); aA.Store(tile + 160); aB.Store(tile + 176);
    }
}
