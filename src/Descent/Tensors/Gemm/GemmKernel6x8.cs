using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Descent.Simd;

namespace Descent.Tensors;

/// <summary>
/// 128-bit micro-kernel for machines with neither AVX-512 nor AVX2 — ARM64 (NEON: Apple Silicon, Graviton) and
/// older x64: a 6×8 tile of C in 12 Vector128 accumulators, so that with the two vectors of B̃ and the broadcast
/// of Ã it fits the 16 registers of x64 (ARM64 has 32). Each depth step loads two vectors of B̃, broadcasts six
/// values of Ã and issues 12 fused multiply-adds. Written with the cross-platform Vector128 API only; on x64 without
/// FMA instructions the fused multiply-adds are <see cref="Fma128.Emulated"/>, exact and several times slower.
/// </summary>
internal readonly unsafe struct GemmKernel6x8 : IGemmKernel
{
    public static int Mr => 6;
    public static int Nr => 8;
    public static int Mc => 96;
    public static int Nc => 2048;

    /// <summary>Always: Vector128 is accelerated on every x64 and ARM64 machine .NET runs on, and emulated elsewhere.</summary>
    public static bool IsSupported => true;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Run(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta)
    {
        Vector128<float> c0a = default, c0b = default, c1a = default, c1b = default, c2a = default, c2b = default;
        Vector128<float> c3a = default, c3b = default, c4a = default, c4b = default, c5a = default, c5b = default;
        for (int p = 0; p < kc; p++)
        {
            Vector128<float> b0 = Vector128.Load(b);
            Vector128<float> b1 = Vector128.Load(b + 4);
            Vector128<float> a0 = Vector128.Create(a[0]);
            c0a = Fma128.MultiplyAdd(a0, b0, c0a);
            c0b = Fma128.MultiplyAdd(a0, b1, c0b);
            Vector128<float> a1 = Vector128.Create(a[1]);
            c1a = Fma128.MultiplyAdd(a1, b0, c1a);
            c1b = Fma128.MultiplyAdd(a1, b1, c1b);
            Vector128<float> a2 = Vector128.Create(a[2]);
            c2a = Fma128.MultiplyAdd(a2, b0, c2a);
            c2b = Fma128.MultiplyAdd(a2, b1, c2b);
            Vector128<float> a3 = Vector128.Create(a[3]);
            c3a = Fma128.MultiplyAdd(a3, b0, c3a);
            c3b = Fma128.MultiplyAdd(a3, b1, c3b);
            Vector128<float> a4 = Vector128.Create(a[4]);
            c4a = Fma128.MultiplyAdd(a4, b0, c4a);
            c4b = Fma128.MultiplyAdd(a4, b1, c4b);
            Vector128<float> a5 = Vector128.Create(a[5]);
            c5a = Fma128.MultiplyAdd(a5, b0, c5a);
            c5b = Fma128.MultiplyAdd(a5, b1, c5b);
            a += aStride;
            b += bStride;
        }

        Vector128<float> va = Vector128.Create(alpha);
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
            Vector128<float> vb = Vector128.Create(beta);
            Update(c, c0a, c0b, va, vb);
            Update(c + 1 * ldc, c1a, c1b, va, vb);
            Update(c + 2 * ldc, c2a, c2b, va, vb);
            Update(c + 3 * ldc, c3a, c3b, va, vb);
            Update(c + 4 * ldc, c4a, c4b, va, vb);
            Update(c + 5 * ldc, c5a, c5b, va, vb);
        }
    }

    /// <summary>C = alpha·acc, as the wider kernels store it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Put(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> alpha)
    {
        Vector128.Store(x0 * alpha, c);
        Vector128.Store(x1 * alpha, c + 4);
    }

    /// <summary>C = alpha·acc + beta·C with one rounding of the sum, as the wider kernels update it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update(float* c, Vector128<float> x0, Vector128<float> x1, Vector128<float> alpha, Vector128<float> beta)
    {
        Vector128.Store(Fma128.MultiplyAdd(x0, alpha, Vector128.Load(c) * beta), c);
        Vector128.Store(Fma128.MultiplyAdd(x1, alpha, Vector128.Load(c + 4) * beta), c + 4);
    }
}
