namespace Descent.Tensors;

/// <summary>Which implementation a multiply runs; tests pin each one, the public API picks the fastest supported.</summary>
internal enum GemmPath
{
    /// <summary><see cref="GemmReference"/>: the scalar triple loop.</summary>
    Reference,

    /// <summary>Packed, blocked AVX2/FMA kernel (<see cref="GemmKernel6x16"/>).</summary>
    Vector256,

    /// <summary>Packed, blocked AVX-512 kernels (<see cref="GemmKernel8x32"/>, <see cref="GemmKernel12x32"/>).</summary>
    Vector512,
}
