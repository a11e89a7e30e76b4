using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// Elementwise formulas of torch's CPU kernels that update rules share, on lanes: each computes per lane the same
/// float32 operations as its scalar form (<see cref="TorchArithmetic.Lerp"/>, <see cref="NewtonSchulz.Bf16"/>), so
/// a rule built on them gives the same bits on every width.
/// </summary>
internal static class TorchLanes
{
    /// <summary>
    /// torch's <c>a.lerp(b, w)</c> with w already rounded to float32, as <see cref="TorchArithmetic.Lerp"/>:
    /// a + w(b − a) fused when |w| &lt; 0.5, else b − (b − a)(1 − w) fused. w is one scalar for the whole tensor, so
    /// the formula is chosen once per register, as torch chooses it per element with the same outcome.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static L Lerp<L>(L a, L b, float w) where L : struct, ILanes<L>
    {
        var d = b - a;                                                                      // b − a
        return MathF.Abs(w) < 0.5f
            ? L.FusedMultiplyAdd(L.Create(w), d, a)                                         // fma(w, b − a, a)
            : L.FusedMultiplyAdd(-d, L.Create(1f - w), b);                                  // fma(−(b − a), 1 − w, b)
    }

    /// <summary>
    /// Each lane rounded to the nearest bfloat16 (ties to even) and kept as a float32, NaN left as it is — the bit
    /// arithmetic of <see cref="NewtonSchulz.Bf16"/>, which <see cref="ILanes{TSelf}"/> has no operations for, so it
    /// is written here for each width (the JIT keeps only the branch of <typeparamref name="L"/>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static L RoundToBFloat16<L>(L x) where L : struct, ILanes<L>
    {
        if (typeof(L) == typeof(Lanes512))
        {
            var v = Unsafe.BitCast<L, Lanes512>(x).Value;
            var bits = v.AsUInt32();
            bits += Vector512.Create(0x7FFFu) + (Vector512.ShiftRightLogical(bits, 16) & Vector512<uint>.One);   // bits += 0x7FFF + ((bits >> 16) & 1)
            var rounded = (bits & Vector512.Create(0xFFFF0000u)).AsSingle();                                       // bits & 0xFFFF0000
            return Unsafe.BitCast<Lanes512, L>(new(Vector512.ConditionalSelect(Vector512.Equals(v, v), rounded, v)));   // NaN stays
        }
        if (typeof(L) == typeof(Lanes256))
        {
            var v = Unsafe.BitCast<L, Lanes256>(x).Value;
            var bits = v.AsUInt32();
            bits += Vector256.Create(0x7FFFu) + (Vector256.ShiftRightLogical(bits, 16) & Vector256<uint>.One);   // bits += 0x7FFF + ((bits >> 16) & 1)
            var rounded = (bits & Vector256.Create(0xFFFF0000u)).AsSingle();                                       // bits & 0xFFFF0000
            return Unsafe.BitCast<Lanes256, L>(new(Vector256.ConditionalSelect(Vector256.Equals(v, v), rounded, v)));   // NaN stays
        }
        if (typeof(L) == typeof(Lanes128))
        {
            var v = Unsafe.BitCast<L, Lanes128>(x).Value;
            var bits = v.AsUInt32();
            bits += Vector128.Create(0x7FFFu) + (Vector128.ShiftRightLogical(bits, 16) & Vector128<uint>.One);   // bits += 0x7FFF + ((bits >> 16) & 1)
            var rounded = (bits & Vector128.Create(0xFFFF0000u)).AsSingle();                                       // bits & 0xFFFF0000
            return Unsafe.BitCast<Lanes128, L>(new(Vector128.ConditionalSelect(Vector128.Equals(v, v), rounded, v)));   // NaN stays
        }
        if (typeof(L) == typeof(Lane1))
            return Unsafe.BitCast<Lane1, L>(new(NewtonSchulz.Bf16(Unsafe.BitCast<L, Lane1>(x).Value)));
        throw new NotSupportedException($"no bfloat16 rounding for {typeof(L).Name}");
    }
}
