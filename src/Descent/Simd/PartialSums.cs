using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Simd;

/// <summary>Sixteen partial sums in one <see cref="Vector512{T}"/>.</summary>
internal readonly struct PartialSums512(Vector512<float> all) : IPartialSums<PartialSums512>
{
    private readonly Vector512<float> _all = all;

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums512 operator +(PartialSums512 a, PartialSums512 b) => new(a._all + b._all);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums512 operator *(PartialSums512 a, PartialSums512 b) => new(a._all * b._all);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums512 Broadcast(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums512 Square(PartialSums512 a) => new(a._all * a._all);

    public float Total()
    {
        Vector256<float> eight = _all.GetLower() + _all.GetUpper();
        return PartialSums128.Finish(eight.GetLower() + eight.GetUpper());
    }
}

/// <summary>Sixteen partial sums in two <see cref="Vector256{T}"/>: sums 0–7 and 8–15.</summary>
internal readonly struct PartialSums256(Vector256<float> low, Vector256<float> high) : IPartialSums<PartialSums256>
{
    private readonly Vector256<float> _low = low, _high = high;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PartialSums256 Load(ref float source, nuint index) =>
        new(Vector256.LoadUnsafe(ref source, index), Vector256.LoadUnsafe(ref source, index + 8));

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums256 operator +(PartialSums256 a, PartialSums256 b) => new(a._low + b._low, a._high + b._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums256 operator *(PartialSums256 a, PartialSums256 b) => new(a._low * b._low, a._high * b._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums256 Broadcast(float value) => new(Vector256.Create(value), Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static PartialSums256 Square(PartialSums256 a) => new(a._low * a._low, a._high * a._high);

    public float Total()
    {
        Vector256<float> eight = _low + _high;
        return PartialSums128.Finish(eight.GetLower() + eight.GetUpper());
    }
}

/// <summary>Sixteen partial sums in four <see cref="Vector128{T}"/>: sums 0–3, 4–7, 8–11 and 12–15.</summary>
internal readonly struct PartialSums128(Vector128<float> s0, Vector128<float> s1, Vector128<float> s2, Vector128<float> s3) : IPartialSums<PartialSums128>
{
    private readonly Vector128<float> _s0 = s0, _s1 = s1, _s2 = s2, _s3 = s3;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PartialSums128 Load(ref float source, nuint index) =>
        new(Vector128.LoadUnsafe(ref source, index), Vector128.LoadUnsafe(ref source, index + 4),
            Vector128.LoadUnsafe(ref source, index + 8), Vector128.LoadUnsafe(ref source, index + 12));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PartialSums128 operator +(PartialSums128 a, PartialSums128 b) => new(a._s0 + b._s0, a._s1 + b._s1, a._s2 + b._s2, a._s3 + b._s3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PartialSums128 operator *(PartialSums128 a, PartialSums128 b) => new(a._s0 * b._s0, a._s1 * b._s1, a._s2 * b._s2, a._s3 * b._s3);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PartialSums128 Broadcast(float value) => new(Vector128.Create(value), Vector128.Create(value), Vector128.Create(value), Vector128.Create(value));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static PartialSums128 Square(PartialSums128 a) => new(a._s0 * a._s0, a._s1 * a._s1, a._s2 * a._s2, a._s3 * a._s3);

    public float Total() => Finish((_s0 + _s2) + (_s1 + _s3));

    /// <summary>The last two levels of the tree over four sums: (0 + 2) + (1 + 3).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Finish(Vector128<float> four) => (four.GetElement(0) + four.GetElement(2)) + (four.GetElement(1) + four.GetElement(3));
}

/// <summary>Sixteen partial sums as floats: the reference the vector forms must equal.</summary>
internal struct PartialSums1 : IPartialSums<PartialSums1>
{
    private Sixteen _s;

    public static PartialSums1 Load(ref float source, nuint index)
    {
        var result = new PartialSums1();
        for (int j = 0; j < 16; j++) result._s[j] = Unsafe.Add(ref source, index + (nuint)j);
        return result;
    }

    public static PartialSums1 operator +(PartialSums1 a, PartialSums1 b)
    {
        for (int j = 0; j < 16; j++) a._s[j] += b._s[j];
        return a;
    }

    public static PartialSums1 operator *(PartialSums1 a, PartialSums1 b)
    {
        for (int j = 0; j < 16; j++) a._s[j] *= b._s[j];
        return a;
    }

    public static PartialSums1 Broadcast(float value)
    {
        var result = new PartialSums1();
        for (int j = 0; j < 16; j++) result._s[j] = value;
        return result;
    }

    public static PartialSums1 Square(PartialSums1 a)
    {
        for (int j = 0; j < 16; j++) a._s[j] *= a._s[j];
        return a;
    }

    public readonly float Total()
    {
        Span<float> eight = stackalloc float[8];
        for (int j = 0; j < 8; j++) eight[j] = _s[j] + _s[j + 8];
        for (int j = 0; j < 4; j++) eight[j] += eight[j + 4];
        return (eight[0] + eight[2]) + (eight[1] + eight[3]);
    }

    [InlineArray(16)]
    private struct Sixteen
    {
        private float _first;
    }
}
