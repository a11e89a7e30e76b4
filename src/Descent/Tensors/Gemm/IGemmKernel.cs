namespace Descent.Tensors;

/// <summary>
/// A register-tiled GEMM micro-kernel and the cache blocking tuned for it. The driver is generic over the
/// kernel type, so each kernel gets its own specialised copy of the blocked loops. Every kernel computes each
/// element of C as the same chain of fused multiply-adds over the same depth blocks
/// (<see cref="GemmDriver.DepthBlock"/>), so all of them give the same bits.
/// </summary>
internal unsafe interface IGemmKernel
{
    /// <summary>Rows of C computed per call (the height of a packed A micro-panel).</summary>
    static abstract int Mr { get; }

    /// <summary>Columns of C computed per call (the width of a packed B micro-panel).</summary>
    static abstract int Nr { get; }

    /// <summary>Rows of op(A) packed at a time (a multiple of <see cref="Mr"/>).</summary>
    static abstract int Mc { get; }

    /// <summary>Columns of op(B) packed at a time (a multiple of <see cref="Nr"/>).</summary>
    static abstract int Nc { get; }

    /// <summary>Whether this machine runs the kernel in hardware.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>
    /// C[0..Mr, 0..Nr] = alpha·Ã·B̃ + beta·C over kc depth steps. Step p reads the Mr values of Ã at
    /// a + p·aStride and the Nr values of B̃ at b + p·bStride: a packed panel (stride Mr or Nr) or, when the
    /// operand is already laid out that way, the matrix itself. beta == 0 writes C without reading it.
    /// </summary>
    static abstract void Run(int kc, float* a, nint aStride, float* b, nint bStride, float* c, nint ldc, float alpha, float beta);
}
