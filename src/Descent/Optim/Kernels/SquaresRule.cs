using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// x·x, each square rounded (torch's <c>x.pow(2)</c>), written to a scratch buffer for a sum that follows torch's
/// order (<see cref="TorchArithmetic.Sum"/>). Slots: the squares in the parameter's slot (written), x in the
/// gradient's slot; no state.
/// </summary>
internal readonly record struct SquaresRule : IUpdateRule
{
    public StateStreams Streams => StateStreams.None;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* squares, float* pX, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var x = L.Load(pX);
        (x * x).Store(squares);                                                             // x.pow(2)
    }
}
