namespace Descent.Tensors.Kernels.Simd;

/// <summary>
/// A group of float lanes processed together: one Vector512, Vector256 or Vector128 register, or a single float.
/// A kernel written once over <typeparamref name="TSelf"/> is compiled by the JIT for each lane type separately,
/// and since every operation here is the same IEEE-754 operation on every lane, the result of an elementwise
/// kernel does not depend on which lane type ran it (<see cref="SimdWidth"/> picks one).
/// </summary>
/// <typeparam name="TSelf">The implementing struct.</typeparam>
internal interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>Floats per group.</summary>
    static abstract int Count { get; }

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    /// <summary>The <see cref="Count"/> floats at <paramref name="source"/> + <paramref name="index"/>.</summary>
    static abstract TSelf Load(ref float source, nuint index);

    /// <summary>Writes the lanes to <paramref name="destination"/> + <paramref name="index"/>.</summary>
    void Store(ref float destination, nuint index);

    /// <summary>Lane-wise a + b.</summary>
    static abstract TSelf operator +(TSelf a, TSelf b);

    /// <summary>Lane-wise a − b.</summary>
    static abstract TSelf operator -(TSelf a, TSelf b);

    /// <summary>Lane-wise a·b.</summary>
    static abstract TSelf operator *(TSelf a, TSelf b);

    /// <summary>Lane-wise a·b + c rounded once.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>Lane-wise: <paramref name="value"/> where <paramref name="condition"/> &gt; 0, else +0 (also for a NaN condition).</summary>
    static abstract TSelf WherePositive(TSelf condition, TSelf value);
}
