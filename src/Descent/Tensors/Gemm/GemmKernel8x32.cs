using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace Descent.Tensors;

/// <summary>
/// AVX-512 micro-kernel, the default: an 8×32 tile of C in 16 zmm accumulators. Each depth step loads two
/// vectors of B̃, broadcasts eight values of Ã and issues 16 fused multiply-adds. Measured fastest on Zen 4 for
/// the usual power-of-two batch sizes (8 divides them, so no row padding).
/// </summary>
internal readonly unsafe struct GemmKernel8x32 : IGemmKernel
{
    public static int Mr => 8;
    public static int Nr => 32;
    public static int Mc => 128;
    public static int Nc => 2048;
    public static bool IsSupported => Vector512.IsHardwareAccelerated && Avx512F.IsSupported;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector512<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector512<float> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        Vector512<float> c6a = default, c6b = default, c7a = default, c7b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector512<float> b0 = Vector512.Load(b);
            Vector512<float> b1 = Vector512.Load(b + 16);
            Vector512<float> a0 = Vector512.Create(a[0]);
            c0a = Vector512.FusedMultiplyAdd(a0, b0, c0a);
            c0b = Vector512.FusedMultiplyAdd(a0, b1, c0b);
            Vector512<float> a1 = Vector512.Create(a[1]);
            c1a = Vector512.FusedMultiplyAdd(a1, b0, c1a);
            c1b = Vector512.FusedMultiplyAdd(a1, b1, c1b);
            Vector512<float> a2 = Vector512.Create(a[2]);
            c2a = Vector512.FusedMultiplyAdd(a2, b0, c2a);
            c2b = Vector512.FusedMultiplyAdd(a2, b1, c2b);
            Vector512<float> a3 = Vector512.Create(a[3]);
            c3a = Vector512.FusedMultiplyAdd(a3, b0, c3a);
            c3b = Vector512.FusedMultiplyAdd(a3, b1, c3b);
            Vector512<float> a4 = Vector512.Create(a[4]);
            c4a = Vector512.FusedMultiplyAdd(a4, b0, c4a);
            c4b = Vector512.FusedMultiplyAdd(a4, b1, c4b);
            Vector512<float> a5 = Vector512.Create(a[5]);
            c5a = Vector512.FusedMultiplyAdd(a5, b0, c5a);
            c5b = Vector512.FusedMultiplyAdd(a5, b1, c5b);
            Vector512<float> a6 = Vector512.Create(a[6]);
            c6a = Vector512.FusedMultiplyAdd(a6, b0, c6a);
            c6b = Vector512.FusedMultiplyAdd(a6, b1, c6b);
            Vector512<float> a7 = Vector512.Create(a[7]);
            c7a = Vector512.FusedMultiplyAdd(a7, b0, c7a);
            c7b = Vector512.FusedMultiplyAdd(a7, b1, c7b);
            a += aStride;
            b += bStride;
        }

        Vector512<float> va = Vector512.Create(alpha);
        if (beta == 0f)
        {
            Put(c, c0a, c0b, va);
            Put(c + 1 * ldc, c1a, c1b, va);
            Put(c + 2 * ldc, c2a, c2b, va);
            Put(c + 3 * ldc, c3a, c3b, va);
            Put(c + 4 * ldc, c4a, c4b, va);
            Put(c + 5 * ldc, c5a, c5b, va);
            Put(c + 6 * ldc, c6a, c6b, va);
            Put(c + 7 * ldc, c7a, c7b, va);
        }
        else
        {
            Vector512<float> vb = Vector512.Create(beta);
            Update(c, c0a, c0b, va, vb);
            Update(c + 1 * ldc, c1a, c1b, va, vb);
            Update(c + 2 * ldc, c2a, c2b, va, vb);
            Update(c + 3 * ldc, c3a, c3b, va, vb);
            Update(c + 4 * ldc, c4a, c4b, va, vb);
            Update(c + 5 * ldc, c5a, c5b, va, vb);
            Update(c + 6 * ldc, c6a, c6b, va, vb);
            Update(c + 7 * ldc, c7a, c7b, va, vb);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> alpha)
    {
        Vector512.Store(x0 * alpha, c);
        Vector512.Store(x1 * alpha, c + 16);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector512<float> x0, Vector512<float> x1, Vector512<float> alpha, Vector512<float> beta)
    {
        Vector512.Store(Vector512.FusedMultiplyAdd(x0, alpha, Vector512.Load(c) * beta), c);
        Vector512.Store(Vector512.FusedMultiplyAdd(x1, alpha, Vector512.Load(c + 16) * beta), c + 16);
    }
}
