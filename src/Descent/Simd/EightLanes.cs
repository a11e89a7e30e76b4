using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Simd;

// The three forms of IEightLanes side by side: lane j of each is the same IEEE operation on the same operands.

/// <summary>Eight lanes in one <see cref="Vector256{T}"/> (AVX2).</summary>
internal readonly struct EightLanes256(Vector256<float> value) : IEightLanes<EightLanes256>
{
    private readonly Vector256<float> _value = value;

    public static EightLanes256 Zero => default;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => _value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes256 operator +(EightLanes256 left, EightLanes256 right) => new(left._value + right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes256 operator -(EightLanes256 left, EightLanes256 right) => new(left._value - right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes256 Abs(EightLanes256 value) => new(Vector256.Abs(value._value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes256 operator *(EightLanes256 left, EightLanes256 right) => new(left._value * right._value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes256 FusedMultiplyAdd(EightLanes256 a, EightLanes256 b, EightLanes256 c) => new(Vector256.FusedMultiplyAdd(a._value, b._value, c._value));
}

/// <summary>Eight lanes in two <see cref="Vector128{T}"/>: lanes 0–3 and 4–7 (SSE/AVX on x64, NEON on ARM64).</summary>
internal readonly struct EightLanes128(Vector128<float> low, Vector128<float> high) : IEightLanes<EightLanes128>
{
    private readonly Vector128<float> _low = low, _high = high;

    public static EightLanes128 Zero => default;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EightLanes128 Load(ref float source, nuint index) =>
        new(Vector128.LoadUnsafe(ref source, index), Vector128.LoadUnsafe(ref source, index + 4));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Store(ref float destination, nuint index)
    {
        _low.StoreUnsafe(ref destination, index);
        _high.StoreUnsafe(ref destination, index + 4);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes128 operator +(EightLanes128 left, EightLanes128 right) => new(left._low + right._low, left._high + right._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes128 operator -(EightLanes128 left, EightLanes128 right) => new(left._low - right._low, left._high - right._high);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes128 Abs(EightLanes128 value) => new(Vector128.Abs(value._low), Vector128.Abs(value._high));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static EightLanes128 operator *(EightLanes128 left, EightLanes128 right) => new(left._low * right._low, left._high * right._high);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static EightLanes128 FusedMultiplyAdd(EightLanes128 a, EightLanes128 b, EightLanes128 c) =>
        new(Fma128.MultiplyAdd(a._low, b._low, c._low), Fma128.MultiplyAdd(a._high, b._high, c._high));
}

/// <summary>Eight lanes as eight floats: the scalar form, for when no vector width is taken.</summary>
[InlineArray(8)]
internal struct EightLanes1 : IEightLanes<EightLanes1>
{
    private float _lane;

    public static EightLanes1 Zero => default;

    public static EightLanes1 Load(ref float source, nuint index)
    {
        var result = new EightLanes1();
        for (int j = 0; j < 8; j++) result[j] = Unsafe.Add(ref source, index + (nuint)j);
        return result;
    }

    public readonly void Store(ref float destination, nuint index)
    {
        for (int j = 0; j < 8; j++) Unsafe.Add(ref destination, index + (nuint)j) = this[j];
    }

    public static EightLanes1 operator +(EightLanes1 left, EightLanes1 right)
    {
        for (int j = 0; j < 8; j++) left[j] += right[j];
        return left;
    }

    public static EightLanes1 operator -(EightLanes1 left, EightLanes1 right)
    {
        for (int j = 0; j < 8; j++) left[j] -= right[j];
        return left;
    }

    public static EightLanes1 Abs(EightLanes1 value)
    {
        for (int j = 0; j < 8; j++) value[j] = MathF.Abs(value[j]);
        return value;
    }

    public static EightLanes1 operator *(EightLanes1 left, EightLanes1 right)
    {
        for (int j = 0; j < 8; j++) left[j] *= right[j];
        return left;
    }

    public static EightLanes1 FusedMultiplyAdd(EightLanes1 a, EightLanes1 b, EightLanes1 c)
    {
        for (int j = 0; j < 8; j++) c[j] = MathF.FusedMultiplyAdd(a[j], b[j], c[j]);
        return c;
    }
}
