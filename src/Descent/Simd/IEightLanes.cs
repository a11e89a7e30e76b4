namespace Descent.Simd;

/// <summary>
/// Eight float lanes whatever the register width — one <see cref="System.Runtime.Intrinsics.Vector256{T}"/>
/// (<see cref="EightLanes256"/>), two <see cref="System.Runtime.Intrinsics.Vector128{T}"/> (<see cref="EightLanes128"/>)
/// or eight floats (<see cref="EightLanes1"/>): the 8-lane AVX2 register that torch's CPU reductions and OpenBLAS's
/// Haswell <c>sdot</c> accumulate in, so that a reduction replaying their summation order
/// (<see cref="Optim.TorchArithmetic"/>) is written once and gives the same bits on every width. Each operation
/// rounds each lane exactly as its scalar counterpart does (<c>+</c>, <c>*</c>, <see cref="MathF.FusedMultiplyAdd"/>);
/// nothing here reduces across lanes.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
internal interface IEightLanes<TSelf> where TSelf : struct, IEightLanes<TSelf>
{
    /// <summary>Every lane +0.</summary>
    static abstract TSelf Zero { get; }

    /// <summary>The eight floats at <paramref name="source"/> + <paramref name="index"/>.</summary>
    static abstract TSelf Load(ref float source, nuint index);

    /// <summary>Writes the eight lanes to <paramref name="destination"/> + <paramref name="index"/>.</summary>
    void Store(ref float destination, nuint index);

    /// <summary>Lane-wise <paramref name="left"/> + <paramref name="right"/>.</summary>
    static abstract TSelf operator +(TSelf left, TSelf right);

    /// <summary>Lane-wise <paramref name="left"/> − <paramref name="right"/> (rounded).</summary>
    static abstract TSelf operator -(TSelf left, TSelf right);

    /// <summary>Lane-wise |x| (exact).</summary>
    static abstract TSelf Abs(TSelf value);

    /// <summary>Lane-wise <paramref name="left"/> · <paramref name="right"/> (rounded).</summary>
    static abstract TSelf operator *(TSelf left, TSelf right);

    /// <summary>Lane-wise a·b + c with one rounding.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);
}
