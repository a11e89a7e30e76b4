using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>An elementwise kernel that updates the elements [start, start + length) of its buffers.</summary>
internal interface IChunkKernel
{
    /// <summary>Updates the elements [<paramref name="start"/>, <paramref name="start"/> + <paramref name="length"/>).</summary>
    void Run(int start, int length);
}

/// <summary>
/// Splits an elementwise optimizer update across <see cref="ComputeThreads"/>: a large tensor is cut into chunks of
/// <see cref="ChunkSize"/> elements handed out dynamically. Every element is computed by the same code whichever
/// thread runs its chunk and however many threads there are, so the result does not depend on the thread count.
/// </summary>
internal static class ElementwiseChunks
{
    /// <summary>From this many elements (1 MiB per float buffer) an update is split across threads.</summary>
    public const int ParallelThreshold = 1 << 18;

    /// <summary>Elements per chunk: a multiple of every vector width, large enough to amortize handing it out.</summary>
    public const int ChunkSize = 1 << 16;

    /// <summary>Runs <paramref name="kernel"/> over [0, <paramref name="length"/>), in parallel when large.</summary>
    public static void Run<TKernel>(int length, TKernel kernel) where TKernel : struct, IChunkKernel
    {
        if (length < ParallelThreshold || ComputeThreads.Count == 1)
            kernel.Run(0, length);
        else
            ComputeThreads.For((length + ChunkSize - 1) / ChunkSize, new Body<TKernel>(kernel, length));
    }

    private readonly struct Body<TKernel>(TKernel kernel, int length) : IComputeBody where TKernel : struct, IChunkKernel
    {
        public void Invoke(int index)
        {
            int start = index * ChunkSize;
            kernel.Run(start, Math.Min(ChunkSize, length - start));
        }
    }
}
