namespace Descent.Threading;

/// <summary>
/// The threads the library's compute kernels (matrix multiply, elementwise and reduction loops) may use.
/// </summary>
/// <remarks>
/// Kernels split their work across at most <see cref="Count"/> threads: the calling thread plus
/// <see cref="Count"/> − 1 persistent background workers, which spin briefly after a loop and then sleep.
/// Kernels split work so that their results do not depend on <see cref="Count"/>.
/// </remarks>
public static class ComputeThreads
{
    private static int _count = Math.Max(1, Environment.ProcessorCount);

    /// <summary>
    /// How many threads a kernel may use, the calling thread included. Defaults to
    /// <see cref="Environment.ProcessorCount"/>; set it to 1 to run every kernel on the calling thread.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int Count
    {
        get => Volatile.Read(ref _count);
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1, nameof(Count));
            Volatile.Write(ref _count, value);
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> for every index in [0, <paramref name="count"/>) on up to <see cref="Count"/>
    /// threads and returns when all are done. Indices are handed out dynamically, so the body must not depend on
    /// which thread runs which index. A call made while another loop is running (nested or from another thread)
    /// runs serially on its caller. The first exception thrown by the body is rethrown here.
    /// </summary>
    /// <param name="count">Number of indices.</param>
    /// <param name="body">The loop body; copied, and shared by all threads.</param>
    /// <param name="wakeSleepingWorkers">
    /// Whether to wake workers that have gone to sleep (idle for over a millisecond). Waking one costs the caller
    /// a few microseconds and the worker tens of microseconds (much more on a busy host), so loops of only a few
    /// microseconds should pass false: they then share out to workers that are still spinning, which pick up
    /// work within a microsecond, and otherwise run on the caller.
    /// </param>
    internal static void For<TBody>(int count, TBody body, bool wakeSleepingWorkers = true) where TBody : struct, IComputeBody
        => ComputeWorkerPool.Run(count, ref body, Count, wakeSleepingWorkers);

    /// <summary>
    /// How many threads a loop that does not wake sleeping workers would run on right now: the caller plus the
    /// workers (within <see cref="Count"/>) still spinning after a recent loop. A hint: it may change at any time.
    /// </summary>
    internal static int AwakeCount => ComputeWorkerPool.AwakeCount(Count);

    /// <summary>Delegate form of <see cref="For{TBody}(int, TBody, bool)"/>, for code that is not hot.</summary>
    internal static void For(int count, Action<int> body)
    {
        ArgumentNullException.ThrowIfNull(body);
        For(count, new ActionBody(body));
    }

    private readonly struct ActionBody(Action<int> action) : IComputeBody
    {
        public void Invoke(int index) => action(index);
    }
}
