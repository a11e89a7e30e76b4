namespace Descent.Tensors;

/// <summary>
/// Which implementation a multiply runs; tests pin each one, the public API picks the widest supported. The three
/// packed paths give the same bits (the same depth blocks and fused multiply-add chains).
/// </summary>
internal enum GemmPath
{
    /// <summary><see cref="GemmReference"/>: the scalar triple loop in double, a test oracle only.</summary>
    Reference,

    /// <summary>Packed, blocked 128-bit kernel (<see cref="GemmKernel6x8"/>): ARM64 NEON, x64 without AVX2.</summary>
    Vector128,

    /// <summary>Packed, blocked AVX2/FMA kernel (<see cref="GemmKernel6x16"/>).</summary>
    Vector256,

    /// <summary>Packed, blocked AVX-512 kernels (<see cref="GemmKernel8x32"/>, <see cref="GemmKernel12x32"/>).</summary>
    Vector512,
}
