using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// Muon's momentum and the matrix it orthogonalizes (KellerJordan/Muon <c>muon_update</c>), in torch's float32
/// <c>lerp</c> (<see cref="TorchLanes.Lerp"/>). Slots: the Newton–Schulz input in the parameter's slot (a scratch
/// buffer, written; θ moves after the orthogonalization), g, and the momentum ("momentum_buffer", first state buffer).
/// </summary>
/// <remarks><para>OneMinusBeta and Beta are 1 − β and β rounded from double; Nesterov blends g toward the new momentum.</para></remarks>
internal readonly record struct MuonMomentumRule(float OneMinusBeta, float Beta, bool Nesterov) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* input, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var grad = L.Load(pGrad);
        var momentum = TorchLanes.Lerp(L.Load(first), grad, OneMinusBeta);                 // momentum.lerp_(grad, 1 - beta)
        var u = Nesterov ? TorchLanes.Lerp(grad, momentum, Beta) : momentum;               // grad.lerp_(momentum, beta) if nesterov else momentum
        momentum.Store(first);
        u.Store(input);
    }
}
