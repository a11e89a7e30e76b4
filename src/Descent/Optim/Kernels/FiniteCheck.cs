using Descent.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Optim.Kernels;

/// <summary>Whether a tensor holds only finite values, checked in parallel chunks for large tensors.</summary>
internal static class FiniteCheck
{
    public static bool AllFinite(Tensor tensor)
    {
        if (tensor.Length == 0) return true;
        if (tensor.Length < ElementwiseChunks.ParallelThreshold) return float.IsFinite(TP.MaxMagnitude(tensor.Span));
        var found = new bool[1];
        ElementwiseChunks.Run(tensor.Length, new Chunk(tensor.Storage, tensor.StorageOffset, found));
        return !found[0];
    }

    private readonly struct Chunk(float[] storage, int offset, bool[] foundNonFinite) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            if (!float.IsFinite(TP.MaxMagnitude(storage.AsSpan(offset + start, length)))) foundNonFinite[0] = true;
        }
    }
}
