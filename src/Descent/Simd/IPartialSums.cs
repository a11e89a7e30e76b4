namespace Descent.Simd;

/// <summary>
/// Sixteen running float sums, whatever the register width: one Vector512, two Vector256, four Vector128 or
/// sixteen floats. Partial sum j receives elements 16·b + j in order, and <see cref="Total"/> combines the sixteen
/// in one fixed tree — (j, j+8), then (j, j+4), then (j, j+2), then (0, 1) — so a reduction built on it gives the
/// same bits on every width.
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
internal interface IPartialSums<TSelf> where TSelf : struct, IPartialSums<TSelf>
{
    /// <summary>The sixteen floats at <paramref name="source"/> + <paramref name="index"/>.</summary>
    static abstract TSelf Load(ref float source, nuint index);

    /// <summary>Lane-wise a + b.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-wise a·b (rounded).</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Every lane <paramref name="value"/>.</summary>
    static abstract TSelf Broadcast(float value);

    /// <summary>Lane-wise a·a (rounded, not fused with a following add).</summary>
    static abstract TSelf Square(TSelf a);

    /// <summary>The sixteen sums added in the fixed tree.</summary>
    float Total();
}
