using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The step of LARS as optax chains it (<c>scale_by_trust_ratio</c>, <c>scale_by_learning_rate</c>, <c>trace</c>,
/// <c>apply_updates</c>), each operation a separate float32 rounding. Slots: θ (written), the decayed gradient
/// u = g + λθ in the gradient's slot, the trace t ("trace", first state buffer).
/// </summary>
/// <remarks><para>Scale is −η·r (the trust ratio r computed in double), Mu the momentum μ.</para></remarks>
internal readonly record struct LarsRule(float Scale, float Mu, bool Nesterov) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pU, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var step = L.Create(Scale) * L.Load(pU);                                            // −η·r·u
        var mu = L.Create(Mu);
        var t = step + mu * L.Load(first);                                                  // trace: t ← u + μt
        var param = L.Load(pParam);
        param += Nesterov ? step + mu * t : t;                                              // apply_updates (u + μt with Nesterov)
        param.Store(pParam);
        t.Store(first);
    }
}
