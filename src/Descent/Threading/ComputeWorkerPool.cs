using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;

namespace Descent.Threading;

/// <summary>
/// The persistent workers behind <see cref="ComputeThreads"/>. One loop runs at a time: the caller publishes the
/// loop, requests help from the workers it needs, and takes indices itself. When no index is left it withdraws
/// the requests no worker has picked up yet and waits only for workers still running an index, so a sleeping
/// worker never delays a loop. Idle workers spin for <see cref="SpinTicks"/> before sleeping on a semaphore, so
/// in back-to-back loops (a training step) help arrives within a microsecond or two.
/// </summary>
internal static unsafe class ComputeWorkerPool
{
    private static readonly long SpinTicks = Stopwatch.Frequency / 1000; // 1 ms
    private static readonly object StartLock = new();

    private static Worker[] _workers = [];
    private static int _busy;

    // The loop being run: written by the caller before it hands the loop to workers, stable until they are done.
    private static delegate*<void*, int, void> _invoke;
    private static void* _state;
    private static int _itemCount;
    private static int _nextItem;
    private static ExceptionDispatchInfo? _error;

    public static void Run<TBody>(int count, ref TBody body, int threads, bool wakeSleepers) where TBody : struct, IComputeBody
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
            // body is a by-value parameter of ComputeThreads.For: it stays on the caller's stack until we return.
            _invoke = &InvokeBody<TBody>;
            _state = Unsafe.AsPointer(ref body);
            _itemCount = count;
            _nextItem = 0;
            _error = null;
            for (int w = 0; w < helpers; w++)
                workers[w].Request(wakeSleepers);

            try
            {
                RunItems();
            }
            catch (Exception e)
            {
                RecordError(e);
            }

            for (int w = 0; w < helpers; w++)
                workers[w].WithdrawOrAwait();
            _state = null;
            _error?.Throw();
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>1 + the workers among the first <paramref name="threads"/> − 1 that are not asleep.</summary>
    public static int AwakeCount(int threads)
    {
        Worker[] workers = _workers;
        int awake = 1;
        for (int w = 0; w < workers.Length && w < threads - 1; w++)
        {
            if (workers[w].IsAwake)
                awake++;
        }
        return awake;
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
                grown[i] = new Worker();
                new Thread(grown[i].Loop) { IsBackground = true, Name = $"Descent compute {i + 1}" }.Start();
            }
            _workers = grown;
            return grown;
        }
    }

    private sealed class Worker
    {
        private const int Idle = 0, Requested = 1, Running = 2;
        private readonly SemaphoreSlim _signal = new(0);
        private int _status;
        private int _sleeping;

        public bool IsAwake => Volatile.Read(ref _sleeping) == 0;

        /// <summary>
        /// Asks this worker to help with the loop just published, waking it if asleep and <paramref name="wake"/>;
        /// a request left with a sleeping worker is simply withdrawn at the end of the loop.
        /// </summary>
        public void Request(bool wake)
        {
            Volatile.Write(ref _status, Requested);
            if (wake && Interlocked.Exchange(ref _sleeping, 0) == 1)
                _signal.Release();
        }

        /// <summary>Called once every index is taken: cancels the request if not picked up, else waits for it.</summary>
        public void WithdrawOrAwait()
        {
            if (Interlocked.CompareExchange(ref _status, Idle, Requested) == Requested)
                return;
            var spinner = new SpinWait();
            while (Volatile.Read(ref _status) != Idle)
                spinner.SpinOnce(sleep1Threshold: -1);
        }

        public void Loop()
        {
            while (true)
            {
                WaitForRequest();
                if (Interlocked.CompareExchange(ref _status, Running, Requested) != Requested)
                    continue; // withdrawn before we got to it
                try
                {
                    RunItems();
                }
                catch (Exception e)
                {
                    RecordError(e);
                }
                Volatile.Write(ref _status, Idle);
            }
        }

        private void WaitForRequest()
        {
            long start = Stopwatch.GetTimestamp();
            for (int spins = 1; Volatile.Read(ref _status) != Requested; spins++)
            {
                if ((spins & 255) == 0 && Stopwatch.GetTimestamp() - start > SpinTicks)
                {
                    Interlocked.Exchange(ref _sleeping, 1);
                    if (Volatile.Read(ref _status) != Requested)
                        _signal.Wait();
                    else if (Interlocked.Exchange(ref _sleeping, 0) == 0)
                        _signal.Wait(); // Request saw us asleep and released the semaphore: consume that release
                    return;
                }
                Thread.SpinWait(4);
            }
        }
    }
}
