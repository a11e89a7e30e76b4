using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Descent.Threading;

/// <summary>
/// The persistent workers behind <see cref="ComputeThreads"/>. One loop runs at a time: the caller publishes the
/// loop, wakes the workers, takes indices itself, then waits until every worker has acknowledged the loop. Idle
/// workers spin for <see cref="SpinTicks"/> before sleeping on a semaphore, so back-to-back loops (a training
/// step) start within a microsecond or two.
/// </summary>
internal static unsafe class ComputeWorkerPool
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 2000; // 0.5 ms
    private static readonly object StartLock = new();

    private static Worker[] _workers = [];
    private static int _busy;

    // The loop being run; written by the caller before it bumps _generation, read by workers after.
    private static long _generation;
    private static delegate*<void*, int, void> _invoke;
    private static void* _state;
    private static int _itemCount;
    private static int _helpers;
    private static int _nextItem;
    private static int _pending;
    private static ExceptionDispatchInfo? _error;

    public static void Run<TBody>(int count, ref TBody body, int threads) where TBody : struct, IComputeBody
    {
        if (count <= 0)
            return;
        if (threads <= 1 || count == 1 || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            for (int i = 0; i < count; i++)
                body.Invoke(i);
            return;
        }

        try
        {
            int helpers = Math.Min(threads, count) - 1;
            Worker[] workers = EnsureWorkers(helpers);
            // body is a by-value parameter of ComputeThreads.For, so it lives on the caller's stack until we return.
            _invoke = &InvokeBody<TBody>;
            _state = Unsafe.AsPointer(ref body);
            _itemCount = count;
            _helpers = helpers;
            _nextItem = 0;
            _error = null;
            _pending = workers.Length;
            Interlocked.Increment(ref _generation);
            foreach (Worker worker in workers)
            {
                if (Interlocked.Exchange(ref worker.Sleeping, 0) == 1)
                    worker.Signal.Release();
            }

            try
            {
                RunItems();
            }
            catch (Exception e)
            {
                RecordError(e);
            }

            var spinner = new SpinWait();
            while (Volatile.Read(ref _pending) != 0)
                spinner.SpinOnce(sleep1Threshold: -1);
            _state = null;
            _error?.Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    private static void InvokeBody<TBody>(void* state, int index) where TBody : struct, IComputeBody
        => Unsafe.AsRef<TBody>(state).Invoke(index);

    private static void RunItems()
    {
        delegate*<void*, int, void> invoke = _invoke;
        void* state = _state;
        int count = _itemCount;
        int index;
        while ((index = Interlocked.Increment(ref _nextItem) - 1) < count)
            invoke(state, index);
    }

    private static void RecordError(Exception e)
        => Interlocked.CompareExchange(ref _error, ExceptionDispatchInfo.Capture(e), null);

    private static Worker[] EnsureWorkers(int needed)
    {
        Worker[] workers = _workers;
        if (workers.Length >= needed)
            return workers;
        lock (StartLock)
        {
            var grown = new Worker[needed];
            Array.Copy(workers, grown, workers.Length);
            for (int i = workers.Length; i < needed; i++)
            {
                grown[i] = new Worker(i, Volatile.Read(ref _generation));
                var thread = new Thread(grown[i].Loop) { IsBackground = true, Name = $"Descent compute {i + 1}" };
                thread.Start();
            }
            _workers = grown;
            return grown;
        }
    }

    private sealed class Worker(int index, long generation)
    {
        public readonly SemaphoreSlim Signal = new(0);
        public int Sleeping;

        public void Loop()
        {
            long seen = generation;
            while (true)
            {
                seen = WaitForLoop(seen);
                if (index < _helpers)
                {
                    try
                    {
                        RunItems();
                    }
                    catch (Exception e)
                    {
                        RecordError(e);
                    }
                }
                Interlocked.Decrement(ref _pending);
            }
        }

        private long WaitForLoop(long seen)
        {
            long start = Stopwatch.GetTimestamp();
            for (int spins = 1; ; spins++)
            {
                long current = Volatile.Read(ref _generation);
                if (current != seen)
                    return current;
                if ((spins & 255) == 0 && Stopwatch.GetTimestamp() - start > SpinTicks)
                    break;
                Thread.SpinWait(4);
            }

            Interlocked.Exchange(ref Sleeping, 1);
            if (Volatile.Read(ref _generation) == seen)
                Signal.Wait();
            else if (Interlocked.Exchange(ref Sleeping, 0) == 0)
                Signal.Wait(); // the caller saw us asleep and released the semaphore: consume that release
            return Volatile.Read(ref _generation);
        }
    }
}
