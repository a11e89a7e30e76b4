namespace Descent.Simd;

/// <summary>The lane type the kernels run with: the widest the hardware accelerates, or a narrower one a test forces.</summary>
internal enum SimdWidth
{
    /// <summary>One float at a time (<see cref="Lane1"/>): the reference.</summary>
    Scalar = 1,

    /// <summary><see cref="Lanes128"/>: SSE on x64, NEON on ARM64.</summary>
    Vector128 = 4,

    /// <summary><see cref="Lanes256"/>: AVX2.</summary>
    Vector256 = 8,

    /// <summary><see cref="Lanes512"/>: AVX-512.</summary>
    Vector512 = 16,
}

