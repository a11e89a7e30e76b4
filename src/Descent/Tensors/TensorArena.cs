namespace Descent.Tensors;

/// <summary>
/// Recycles the buffers of short-lived tensors across identical steps, so a training loop allocates nothing after
/// its first step. While an arena is active on a thread, new tensors made by operations on that thread take their
/// storage from it in order; <see cref="Reset"/> hands the same buffers out again, in the same order, to the next
/// step. Parameters, their gradients and optimizer state (<see cref="Optim.ParameterState.Buffer(string, float)"/>)
/// never come from an arena.
/// </summary>
/// <remarks>
/// A tensor made inside the arena is valid only until the next <see cref="Reset"/>: read what you need (the loss
/// value, predictions) before resetting, and do not keep such tensors. The trainer uses one arena per training
/// loop and resets it after each optimizer step.
/// </remarks>
public sealed class TensorArena
{
    [ThreadStatic] private static TensorArena? t_active;

    private readonly List<float[]> _buffers = [];
    private int _next;

    /// <summary>The number of buffers the arena holds.</summary>
    public int BufferCount => _buffers.Count;

    /// <summary>The total number of floats the arena holds.</summary>
    public long Capacity => _buffers.Sum(b => (long)b.Length);

    /// <summary>Makes this arena the source of new tensors on this thread until the returned scope is disposed.</summary>
    public Scope Activate()
    {
        var previous = t_active;
        t_active = this;
        return new Scope(previous);
    }

    /// <summary>Starts handing out the buffers from the first again; every tensor taken from them becomes invalid.</summary>
    public void Reset() => _next = 0;

    /// <summary>Storage for a new tensor: from the active arena when there is one, else a new array.</summary>
    internal static float[] Allocate(int length) =>
        t_active is { } arena ? arena.Rent(length) : GC.AllocateUninitializedArray<float>(length);

    /// <summary>Storage that must outlive any arena (parameter gradients).</summary>
    internal static float[] AllocateOwned(int length) => GC.AllocateUninitializedArray<float>(length);

    private float[] Rent(int length)
    {
        if (_next < _buffers.Count && _buffers[_next].Length == length) return _buffers[_next++];
        var buffer = GC.AllocateUninitializedArray<float>(length);
        if (_next < _buffers.Count) _buffers[_next] = buffer;
        else _buffers.Add(buffer);
        _next++;
        return buffer;
    }

    /// <summary>Restores the previously active arena when disposed.</summary>
    public readonly struct Scope : IDisposable
    {
        private readonly TensorArena? _previous;

        internal Scope(TensorArena? previous) => _previous = previous;

        /// <summary>Deactivates the arena.</summary>
        public void Dispose() => t_active = _previous;
    }
}
