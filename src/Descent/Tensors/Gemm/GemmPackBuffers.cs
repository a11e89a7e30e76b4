using System.Runtime.InteropServices;

namespace Descent.Tensors;

/// <summary>
/// One thread's packing buffers: 64-byte aligned native blocks that only ever grow, so after the first multiply
/// of the largest shape a thread packs without allocating. Freed by the finalizer when the thread has died.
/// </summary>
internal sealed unsafe class GemmPackBuffers
{
    [ThreadStatic]
    private static GemmPackBuffers? t_current;

    private float* _a;
    private float* _b;
    private nint _aCapacity;
    private nint _bCapacity;

    /// <summary>The calling thread's buffers.</summary>
    public static GemmPackBuffers Current => t_current ??= new GemmPackBuffers();

    /// <summary>A buffer for packed A of at least <paramref name="floats"/> floats; its contents are not kept.</summary>
    public float* GetA(nint floats) => Ensure(ref _a, ref _aCapacity, floats);

    /// <summary>A buffer for packed B of at least <paramref name="floats"/> floats; its contents are not kept.</summary>
    public float* GetB(nint floats) => Ensure(ref _b, ref _bCapacity, floats);

    private static float* Ensure(ref float* buffer, ref nint capacity, nint floats)
    {
        if (floats > capacity)
        {
            NativeMemory.AlignedFree(buffer);
            buffer = null;
            capacity = 0;
            buffer = (float*)NativeMemory.AlignedAlloc((nuint)floats * sizeof(float), 64);
            capacity = floats;
        }
        return buffer;
    }

    ~GemmPackBuffers()
    {
        NativeMemory.AlignedFree(_a);
        NativeMemory.AlignedFree(_b);
    }
}
