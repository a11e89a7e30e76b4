using System.Runtime.Intrinsics;

namespace Descent.Simd;

/// <summary>
/// Which <see cref="SimdWidth"/> the kernels take. Every kernel gives the same bits on every width, so the choice
/// is a matter of speed only; tests narrow it in-process with <see cref="Force"/> to prove that.
/// </summary>
internal static class SimdPath
{
    private static readonly SemaphoreSlim s_forceLock = new(1, 1);
    private static volatile int s_forced;

    /// <summary>The widest width this machine accelerates (Vector128 when none is, so loops still run in groups).</summary>
    public static SimdWidth Hardware { get; } =
        Vector512.IsHardwareAccelerated ? SimdWidth.Vector512
        : Vector256.IsHardwareAccelerated ? SimdWidth.Vector256
        : SimdWidth.Vector128;

    /// <summary>The width kernels run with now.</summary>
    public static SimdWidth Width => s_forced == 0 ? Hardware : (SimdWidth)s_forced;

    /// <summary>
    /// Test hook: makes every kernel run with <paramref name="width"/> (emulated in software when the hardware lacks
    /// it) until the returned scope is disposed. Scopes are taken one at a time across threads.
    /// </summary>
    public static IDisposable Force(SimdWidth width)
    {
        s_forceLock.Wait();
        s_forced = (int)width;
        return new Scope();
    }

    private sealed class Scope : IDisposable
    {
        private bool _disposed;

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            s_forced = 0;
            s_forceLock.Release();
        }
    }
}
