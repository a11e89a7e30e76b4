namespace Descent.Simd;

/// <summary>
/// A register of float32 lanes — <see cref="Lanes512"/>, <see cref="Lanes256"/>, <see cref="Lanes128"/> or the single
/// float of <see cref="Lane1"/> — and the operations the elementwise kernels (tensor ops, activations, batch norm,
/// optimizer update rules) are written with; <see cref="SimdPath"/> says which width runs. A kernel written once
/// against <typeparamref name="TSelf"/> runs on every width, and every width computes the same bits: each operation
/// rounds each lane exactly as its scalar counterpart does (IEEE 754 single precision; a fused multiply-add rounds
/// once on every width), and nothing here reduces across lanes.
/// </summary>
/// <remarks>
/// The generic kernel is specialized by the JIT for each width (the implementations are structs), so the abstraction
/// costs nothing at run time: <c>L.FusedMultiplyAdd(a, b, c)</c> on <see cref="Lanes512"/> compiles to one
/// <c>vfmadd</c>. Comparisons return masks (every bit of a lane set, or none) for <see cref="Select"/>.
/// </remarks>
internal unsafe interface ILanes<TSelf> where TSelf : struct, ILanes<TSelf>
{
    /// <summary>How many floats the register holds.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this width runs in hardware on this machine (the JIT may then use it).</summary>
    static abstract bool IsAccelerated { get; }

    /// <summary>Reads <see cref="Count"/> floats from <paramref name="source"/>.</summary>
    static abstract TSelf Load(float* source);

    /// <summary>Reads the <see cref="Count"/> floats at <paramref name="source"/> + <paramref name="index"/>.</summary>
    static abstract TSelf Load(ref float source, nuint index);

    /// <summary>Writes the lanes to <paramref name="destination"/>.</summary>
    void Store(float* destination);

    /// <summary>Writes the lanes to <paramref name="destination"/> + <paramref name="index"/>.</summary>
    void Store(ref float destination, nuint index);

    /// <summary>Every lane set to <paramref name="value"/>.</summary>
    static abstract TSelf Create(float value);

    static abstract TSelf operator +(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf left, TSelf right);
    static abstract TSelf operator *(TSelf left, TSelf right);
    static abstract TSelf operator /(TSelf left, TSelf right);
    static abstract TSelf operator -(TSelf value);

    /// <summary>a·b + c with one rounding.</summary>
    static abstract TSelf FusedMultiplyAdd(TSelf a, TSelf b, TSelf c);

    /// <summary>The correctly rounded square root of each lane.</summary>
    static abstract TSelf Sqrt(TSelf value);

    /// <summary>The larger of each pair (NaN if either is NaN; +0 is larger than −0), as <see cref="MathF.Max"/>.</summary>
    static abstract TSelf Max(TSelf left, TSelf right);

    /// <summary>The smaller of each pair (NaN if either is NaN; −0 is smaller than +0), as <see cref="MathF.Min"/>.</summary>
    static abstract TSelf Min(TSelf left, TSelf right);

    /// <summary>|x| of each lane.</summary>
    static abstract TSelf Abs(TSelf value);

    /// <summary>A mask of the lanes where <paramref name="left"/> &gt; <paramref name="right"/> (false with NaN).</summary>
    static abstract TSelf GreaterThan(TSelf left, TSelf right);

    /// <summary>A mask of the lanes where <paramref name="left"/> &lt; <paramref name="right"/> (false with NaN).</summary>
    static abstract TSelf LessThan(TSelf left, TSelf right);

    /// <summary>A mask of the lanes where <paramref name="left"/> == <paramref name="right"/> (false with NaN).</summary>
    static abstract TSelf Equal(TSelf left, TSelf right);

    /// <summary>Per lane, <paramref name="whenTrue"/> where <paramref name="mask"/> is set, else <paramref name="whenFalse"/>.</summary>
    static abstract TSelf Select(TSelf mask, TSelf whenTrue, TSelf whenFalse);

    /// <summary><paramref name="value"/> where <paramref name="condition"/> &gt; 0, else +0 (also where the condition is NaN).</summary>
    static abstract TSelf WherePositive(TSelf condition, TSelf value);

    /// <summary>A mask of the lanes that hold NaN or ±∞.</summary>
    static abstract TSelf NonFinite(TSelf value);

    /// <summary>Whether any lane of the mask is set.</summary>
    static abstract bool Any(TSelf mask);
}
