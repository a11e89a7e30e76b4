using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// a − b, rounded, written to a scratch buffer (Prodigy's <c>p0 - p</c> before its dot product with g). Slots: the
/// difference in the parameter's slot (written), a in the gradient's slot, b (first state buffer, read only).
/// </summary>
internal readonly record struct DifferenceRule : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* difference, float* pA, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        (L.Load(pA) - L.Load(first)).Store(difference);                                     // p0 - p
    }
}
