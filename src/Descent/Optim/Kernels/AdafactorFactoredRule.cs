using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// One row of Adafactor's factored estimate and its update direction for a matrix (torch.optim.Adafactor,
/// single-tensor): V = R·C / max(mean(R), ε₁) at row i, then u = g / √max(V, ε₁²), in torch's float32 operations.
/// Slots: u for the row in the parameter's slot (a scratch buffer, written), the row of g, and the column second
/// moments C ("col_var" of this matrix, first state buffer, read only).
/// </summary>
/// <remarks>
/// <para>Row is the row's second moment Rᵢ ("row_var", already updated), RowMean the clamped mean of R, Sign −1 with
/// maximize (else 1), Floor ε₁² rounded from double.</para>
/// </remarks>
internal readonly record struct AdafactorFactoredRule(float Row, float RowMean, float Sign, float Floor) : IUpdateRule
{
    public StateStreams Streams => StateStreams.First;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* direction, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var estimate = L.Create(Row) * L.Load(first) / L.Create(RowMean);                   // (row_var @ col_var).div_(row_mean)
        var g = L.Create(Sign) * L.Load(pGrad);                                            // −grad with maximize
        var u = L.Create(1f) / L.Sqrt(L.Max(estimate, L.Create(Floor))) * g;              // var_estimate.clamp_(min=eps1²).rsqrt_().mul_(grad)
        u.Store(direction);
    }
}
