using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The step of LARS as optax chains it (<c>scale_by_trust_ratio</c>, <c>scale_by_learning_rate</c>, <c>trace</c>,
/// <c>apply_updates</c>) after <c>add_decayed_weights</c>, each operation a separate float32 rounding. Slots: θ
/// (written), g, the trace t ("trace", first state buffer).
/// </summary>
/// <remarks><para>Decay is λ, Scale −η·r (the trust ratio r computed in double), Mu the momentum μ.</para></remarks>
internal readonly record struct LarsRule(float Decay, float Scale, float Mu, bool Nesterov) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var u = L.Load(pGrad) + L.Create(Decay) * param;                                    // add_decayed_weights: u = g + λθ
        var step = L.Create(Scale) * u;                                                     // −η·r·u
        var mu = L.Create(Mu);
        var t = step + mu * L.Load(first);                                                  // trace: t ← u + μt
        param += Nesterov ? step + mu * t : t;                                              // apply_updates (u + μt with Nesterov)
        param.Store(pParam);
        t.Store(first);
    }
}
