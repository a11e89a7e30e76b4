using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;

namespace Descent.Simd;

/// <summary>
/// The fused multiply-add of four float lanes, a·b + c rounded once, on every machine: one instruction where the CPU
/// has FMA (x64 with AVX2, every ARM64), and an exact emulation in double precision on x64 without it.
/// </summary>
/// <remarks>
/// <para>
/// Every kernel's bits rest on a fused multiply-add rounding once, so a CPU without FMA instructions (x64 before
/// Haswell, low-end Atom-class cores, or .NET 10 with <c>DOTNET_EnableAVX2=0</c>, which turns FMA off with AVX2) must
/// compute the same correctly rounded result. The runtime's own fallback for <see cref="Vector128.FusedMultiplyAdd(Vector128{float}, Vector128{float}, Vector128{float})"/>
/// calls the C library's <c>fmaf</c> once per lane; <see cref="Emulated"/> does the four lanes in SSE registers,
/// several times faster.
/// </para>
/// <para>
/// The emulation: the product of two floats has at most 48 significant bits, so a·b is exact in double; the sum
/// s = a·b + c is then rounded to double, and rounding s again to float could round twice (when s lands exactly
/// halfway between two floats and the exact sum did not). The error of the double sum, found exactly by Knuth's
/// two-sum, tells whether s was rounded; if it was, s is replaced by its neighbour with an odd last bit on the side
/// of the exact sum ("round to odd", Boldo and Melquiond 2008). A value rounded to odd in a format with at least two
/// more bits than float rounds to float as the exact value would, so the result is the correctly rounded a·b + c,
/// ±∞ and signed zeros included. NaN results are NaN; which input's payload a NaN carries is not specified, as it
/// is not for the hardware instruction.
/// </para>
/// </remarks>
internal static class Fma128
{
    /// <summary>Whether the CPU has the fused multiply-add instruction (then <see cref="MultiplyAdd"/> is one instruction).</summary>
    public static bool IsHardware => Fma.IsSupported || AdvSimd.IsSupported;

    /// <summary>a·b + c per lane with one rounding: the instruction where there is one, <see cref="Emulated"/> otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> MultiplyAdd(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        IsHardware ? Vector128.FusedMultiplyAdd(a, b, c) : Emulated(a, b, c);

    /// <summary>a·b + c per lane with one rounding, computed in double precision and rounded to odd before float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Emulated(Vector128<float> a, Vector128<float> b, Vector128<float> c) =>
        Vector128.Narrow(
            RoundedToOdd(Vector128.WidenLower(a), Vector128.WidenLower(b), Vector128.WidenLower(c)),
            RoundedToOdd(Vector128.WidenUpper(a), Vector128.WidenUpper(b), Vector128.WidenUpper(c)));

    /// <summary>a·b + c for two lanes of floats widened to double, rounded to odd at double precision.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector128<double> RoundedToOdd(Vector128<double> a, Vector128<double> b, Vector128<double> c)
    {
        var product = a * b;                                               // exact: 24 + 24 bits fit in 53
        var sum = product + c;                                             // rounded to nearest double
        var virtualC = sum - product;                                      // two-sum: the exact error of the sum
        var error = (product - (sum - virtualC)) + (c - virtualC);         // NaN when the sum is ±∞ or NaN
        var below = Vector128.LessThan(error, Vector128<double>.Zero);
        var rounded = below | Vector128.GreaterThan(error, Vector128<double>.Zero);   // never set where error is NaN
        // the odd neighbour on the side of the exact sum: one step away from zero when error and sum have the same
        // sign, towards zero otherwise (adding the all-ones mask subtracts one), then the last bit set
        var towardZero = (below ^ Vector128.LessThan(sum, Vector128<double>.Zero)).AsInt64();
        var odd = ((sum.AsInt64() + towardZero) | Vector128<long>.One).AsDouble();
        return Vector128.ConditionalSelect(rounded, odd, sum);
    }
}
