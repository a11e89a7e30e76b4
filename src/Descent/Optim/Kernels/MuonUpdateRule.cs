using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// Muon's parameter step (KellerJordan/Muon): the orthogonalized update scaled by √max(1, rows/cols), then
/// <c>p.mul_(1 - lr·wd)</c> and <c>p.add_(update, alpha=−lr)</c> (a fused multiply-add), in torch's float32
/// operations. Slots: θ (written), the Newton–Schulz output in the gradient's slot; no state.
/// </summary>
/// <remarks>
/// <para>With BFloat16 the update is a bfloat16 tensor: its product with the (bfloat16) scale is rounded to bfloat16
/// (<see cref="TorchLanes.RoundToBFloat16"/>) before it meets the float32 parameter.</para>
/// </remarks>
internal readonly record struct MuonUpdateRule(float Scale, bool BFloat16, float Decay, float NegLr) : IUpdateRule
{
    public StateStreams Streams => StateStreams.None;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pUpdate, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var scaled = L.Load(pUpdate) * L.Create(Scale);                                     // update *= max(1, rows / cols) ** 0.5
        if (BFloat16) scaled = TorchLanes.RoundToBFloat16(scaled);                          // ... in bfloat16
        var x = L.Load(pParam) * L.Create(Decay);                                          // p.mul_(1 - lr * weight_decay)
        L.FusedMultiplyAdd(L.Create(NegLr), scaled, x).Store(pParam);                      // p.add_(update, alpha=-lr)
    }
}
