using System.Runtime.Intrinsics;

namespace Descent.Simd;

/// <summary>
/// Which vector width the kernels written on <see cref="ILanes{TSelf}"/> use: the widest the machine accelerates
/// (512, 256 or 128 bits; 0 when none is), optionally capped on the current thread so tests can run every narrower
/// path on a machine that has the wider one. The cap changes no result — every width computes the same bits — only
/// which instructions compute them.
/// </summary>
internal static class SimdWidth
{
    [ThreadStatic] private static int _cap;

    /// <summary>The widest accelerated width in bits on this machine: 512, 256, 128 or 0.</summary>
    public static int Machine { get; } =
        Vector512.IsHardwareAccelerated ? 512 : Vector256.IsHardwareAccelerated ? 256 : Vector128.IsHardwareAccelerated ? 128 : 0;

    /// <summary>The width kernels use on this thread: <see cref="Machine"/>, or less under <see cref="Cap"/>.</summary>
    public static int Current => _cap == 0 ? Machine : Math.Min(_cap, Machine);

    /// <summary>
    /// Caps the width on the current thread to <paramref name="bits"/> (512, 256, 128, or 0 for scalar only) until the
    /// returned scope is disposed. Kernels split across threads run uncapped on the other threads, so cap only work
    /// that stays on the caller (tensors below the parallel threshold).
    /// </summary>
    public static Scope Cap(int bits)
    {
        if (bits is not (0 or 128 or 256 or 512)) throw new ArgumentOutOfRangeException(nameof(bits), bits, "a width is 0, 128, 256 or 512 bits");
        var scope = new Scope(_cap);
        _cap = bits == 0 ? -1 : bits;
        return scope;
    }

    /// <summary>Restores the previous cap when disposed.</summary>
    public readonly struct Scope(int previous) : IDisposable
    {
        /// <summary>Restores the cap that was in force before <see cref="Cap"/>.</summary>
        public void Dispose() => _cap = previous;
    }

    /// <summary>A name for a width, as the benchmarks print it.</summary>
    public static string Name(int bits) => bits == 0 ? "scalar" : $"Vector{bits}";
}
