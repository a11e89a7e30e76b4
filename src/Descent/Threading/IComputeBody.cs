namespace Descent.Threading;

/// <summary>
/// The body of a parallel loop run by <see cref="ComputeThreads.For{TBody}(int, TBody, bool)"/>: a struct, so a
/// loop can be started without allocating a delegate or a closure.
/// </summary>
internal interface IComputeBody
{
    /// <summary>Runs item <paramref name="index"/> of the loop; called once per index, from any compute thread.</summary>
    void Invoke(int index);
}
