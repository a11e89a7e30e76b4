using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Tensors;

/// <summary>
/// AVX2/FMA micro-kernel for machines without fast AVX-512: a 6×16 tile of C in 12 ymm accumulators (of 16
/// registers); each depth step loads two vectors of B̃, broadcasts six values of Ã and issues 12 FMAs.
/// </summary>
internal readonly unsafe struct GemmKernel6x16 : IGemmKernel
{
    public static int Mr => 6;
    public static int Nr => 16;
    public static int Mc => 96;
    public static int Nc => 2048;
    public static bool IsSupported => Vector256.IsHardwareAccelerated && Fma.IsSupported && Avx2.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector256<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector256<float> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector256<float> b0 = Vector256.Load(b);
            Vector256<float> b1 = Vector256.Load(b + 8);
            Vector256<float> a0 = Vector256.Create(a[0]);
            c0a = Vector256.FusedMultiplyAdd(a0, b0, c0a);
            c0b = Vector256.FusedMultiplyAdd(a0, b1, c0b);
            Vector256<float> a1 = Vector256.Create(a[1]);
            c1a = Vector256.FusedMultiplyAdd(a1, b0, c1a);
            c1b = Vector256.FusedMultiplyAdd(a1, b1, c1b);
            Vector256<float> a2 = Vector256.Create(a[2]);
            c2a = Vector256.FusedMultiplyAdd(a2, b0, c2a);
            c2b = Vector256.FusedMultiplyAdd(a2, b1, c2b);
            Vector256<float> a3 = Vector256.Create(a[3]);
            c3a = Vector256.FusedMultiplyAdd(a3, b0, c3a);
            c3b = Vector256.FusedMultiplyAdd(a3, b1, c3b);
            Vector256<float> a4 = Vector256.Create(a[4]);
            c4a = Vector256.FusedMultiplyAdd(a4, b0, c4a);
            c4b = Vector256.FusedMultiplyAdd(a4, b1, c4b);
            Vector256<float> a5 = Vector256.Create(a[5]);
            c5a = Vector256.FusedMultiplyAdd(a5, b0, c5a);
            c5b = Vector256.FusedMultiplyAdd(a5, b1, c5b);
            a += aStride;
            b += bStride;
        }

        Vector256<float> va = Vector256.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c0a, c0b, va);
            Put(c + 1 * ldc, c1a, c1b, va);
            Put(c + 2 * ldc, c2a, c2b, va);
            Put(c + 3 * ldc, c3a, c3b, va);
            Put(c + 4 * ldc, c4a, c4b, va);
            Put(c + 5 * ldc, c5a, c5b, va);
        }
        else
        {
            Vector256<float> vb = Vector256.Create(beta);
            Update(c, c0a, c0b, va, vb);
            Update(c + 1 * ldc, c1a, c1b, va, vb);
            Update(c + 2 * ldc, c2a, c2b, va, vb);
            Update(c + 3 * ldc, c3a, c3b, va, vb);
            Update(c + 4 * ldc, c4a, c4b, va, vb);
            Update(c + 5 * ldc, c5a, c5b, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha)
    {
        Vector256.Store(x0 * alpha, c);
        Vector256.Store(x1 * alpha, c + 8);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector256<float> x0, Vector256<float> x1, Vector256<float> alpha, Vector256<float> beta)
    {
        Vector256.Store(Vector256.FusedMultiplyAdd(x0, alpha, Vector256.Load(c) * beta), c);
        Vector256.Store(Vector256.FusedMultiplyAdd(x1, alpha, Vector256.Load(c + 8) * beta), c + 8);
    }
}
