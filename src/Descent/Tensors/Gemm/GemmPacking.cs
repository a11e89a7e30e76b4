using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Tensors;

/// <summary>
/// Copies blocks of op(A) and op(B) into the contiguous, zero-padded micro-panel layout the micro-kernels read.
/// Both layouts are "depth-major": a panel of width w (Mr for A, Nr for B) stores, for each depth step p, the w
/// values of that step next to each other. Whether a source row runs along the panel width or along the depth
/// depends on the transpose flag, so packing is either a strided row copy or an 8×8 / 4×8 block transpose.
/// </summary>
internal static unsafe class GemmPacking
{
    /// <summary>
    /// Packs rows [i0, i0+mc) × depth [p0, p0+kc) of op(A) into ⌈mc/mr⌉ panels of mr×kc floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackA(float* dst, float* a, nint lda, bool transA, int i0, int mc, int p0, int kc, int mr)
    {
        for (int r = 0; r < mc; r += mr)
        {
            int rows = Math.Min(mr, mc - r);
            if (transA)
                PackAlongRows(dst, a + p0 * lda + i0 + r, lda, kc, rows, mr);
            else
                PackTransposed(dst, a + (i0 + r) * lda + p0, lda, kc, rows, mr);
            dst += (nint)mr * kc;
        }
    }

    /// <summary>
    /// Packs depth [p0, p0+kc) × columns [j0, j0+nc) of op(B) into ⌈nc/nr⌉ panels of kc×nr floats.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void PackB(float* dst, float* b, nint ldb, bool transB, int p0, int kc, int j0, int nc, int nr)
    {
        for (int s = 0; s < nc; s += nr)
        {
            int cols = Math.Min(nr, nc - s);
            if (transB)
                PackTransposed(dst, b + (j0 + s) * ldb + p0, ldb, kc, cols, nr);
            else
                PackAlongRows(dst, b + p0 * ldb + j0 + s, ldb, kc, cols, nr);
            dst += (nint)nr * kc;
        }
    }

    /// <summary>Source row p holds the <paramref name="width"/> values of depth step p: a strided row copy.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackAlongRows(float* dst, float* src, nint ld, int kc, int width, int panelWidth)
    {
        for (int p = 0; p < kc; p++, src += ld, dst += panelWidth)
        {
            int j = 0;
            if (Vector256.IsHardwareAccelerated)
            {
                for (; j + 8 <= width; j += 8)
                    Vector256.Store(Vector256.Load(src + j), dst + j);
                if (j + 4 <= width)
                {
                    Vector128.Store(Vector128.Load(src + j), dst + j);
                    j += 4;
                }
            }
            for (; j < width; j++)
                dst[j] = src[j];
            for (; j < panelWidth; j++)
                dst[j] = 0f;
        }
    }

    /// <summary>
    /// Source row j (of <paramref name="width"/>) holds depth steps 0..kc of panel column j: a transpose, done in
    /// 8×8 and 4×8 register blocks with a scalar rim.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void PackTransposed(float* dst, float* src, nint ld, int kc, int width, int panelWidth)
    {
        int j = 0;
        int kcVector = Avx.IsSupported ? kc & ~7 : 0;
        if (kcVector > 0)
        {
            for (; j + 8 <= width; j += 8)
            {
                for (int p = 0; p < kcVector; p += 8)
                    Transpose8x8(src + j * ld + p, ld, dst + p * panelWidth + j, panelWidth);
            }
            for (; j + 4 <= width; j += 4)
            {
                for (int p = 0; p < kcVector; p += 8)
                    Transpose4x8(src + j * ld + p, ld, dst + p * panelWidth + j, panelWidth);
            }
        }

        // Rim: remaining panel columns over the whole depth, then the depth tail of the vectorised columns.
        for (int jj = j; jj < width; jj++)
        {
            float* row = src + jj * ld;
            for (int p = 0; p < kc; p++)
                dst[p * panelWidth + jj] = row[p];
        }
        for (int jj = 0; jj < j; jj++)
        {
            float* row = src + jj * ld;
            for (int p = kcVector; p < kc; p++)
                dst[p * panelWidth + jj] = row[p];
        }
        if (width < panelWidth)
        {
            for (int p = 0; p < kc; p++)
                new Span<float>(dst + p * panelWidth + width, panelWidth - width).Clear();
        }
    }

    /// <summary>Reads 8 rows × 8 floats from <paramref name="src"/> and writes them as 8 rows × 8 floats, transposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint ld, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ld);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * ld);
        Vector256<float> r5 = Avx.LoadVector256(src + 5 * ld);
        Vector256<float> r6 = Avx.LoadVector256(src + 6 * ld);
        Vector256<float> r7 = Avx.LoadVector256(src + 7 * ld);

        // Interleave pairs of rows, then quads (per 128-bit lane), then swap lanes.
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5);
        Vector256<float> t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE);
        Vector256<float> s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);

        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + dstStride, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * dstStride, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * dstStride, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * dstStride, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * dstStride, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * dstStride, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * dstStride, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>Reads 4 rows × 8 floats from <paramref name="src"/> and writes them as 8 rows × 4 floats, transposed.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose4x8(float* src, nint ld, float* dst, nint dstStride)
    {
        Vector256<float> r0 = Avx.LoadVector256(src);
        Vector256<float> r1 = Avx.LoadVector256(src + ld);
        Vector256<float> r2 = Avx.LoadVector256(src + 2 * ld);
        Vector256<float> r3 = Avx.LoadVector256(src + 3 * ld);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1);
        Vector256<float> t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE);
        Vector256<float> s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);

        Sse.Store(dst, s0.GetLower());
        Sse.Store(dst + dstStride, s1.GetLower());
        Sse.Store(dst + 2 * dstStride, s2.GetLower());
        Sse.Store(dst + 3 * dstStride, s3.GetLower());
        Sse.Store(dst + 4 * dstStride, s0.GetUpper());
        Sse.Store(dst + 5 * dstStride, s1.GetUpper());
        Sse.Store(dst + 6 * dstStride, s2.GetUpper());
        Sse.Store(dst + 7 * dstStride, s3.GetUpper());
    }
}
