using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Descent.Simd;

// The four widths of ILanes side by side: each operation is the same per-lane IEEE operation on every width, which
// is what makes a kernel written once give the same bits on all of them.

/// <summary>Sixteen float lanes in a 512-bit register (AVX-512).</summary>
internal readonly unsafe struct Lanes512(Vector512<float> value) : ILanes<Lanes512>
{
    /// <summary>The register.</summary>
    public readonly Vector512<float> Value = value;

    public static int Count => Vector512<float>.Count;
    public static bool IsAccelerated => Vector512.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(float* source) => new(Vector512.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Load(ref float source, nuint index) => new(Vector512.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => Value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => Value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Create(float value) => new(Vector512.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator +(Lanes512 left, Lanes512 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 left, Lanes512 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator *(Lanes512 left, Lanes512 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator /(Lanes512 left, Lanes512 right) => new(left.Value / right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 operator -(Lanes512 value) => new(-value.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 FusedMultiplyAdd(Lanes512 a, Lanes512 b, Lanes512 c) => new(Vector512.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Sqrt(Lanes512 value) => new(Vector512.Sqrt(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Max(Lanes512 left, Lanes512 right) => new(Vector512.Max(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Min(Lanes512 left, Lanes512 right) => new(Vector512.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Abs(Lanes512 value) => new(Vector512.Abs(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 GreaterThan(Lanes512 left, Lanes512 right) => new(Vector512.GreaterThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 LessThan(Lanes512 left, Lanes512 right) => new(Vector512.LessThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Equal(Lanes512 left, Lanes512 right) => new(Vector512.Equals(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 Select(Lanes512 mask, Lanes512 whenTrue, Lanes512 whenFalse) => new(Vector512.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes512 WherePositive(Lanes512 condition, Lanes512 value) => new(value.Value & Vector512.GreaterThan(condition.Value, Vector512<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes512 NonFinite(Lanes512 value)
    {
        var exponent = Vector512.Create(0x7F800000);
        return new(Vector512.Equals(value.Value.AsInt32() & exponent, exponent).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes512 mask) => Vector512.ExtractMostSignificantBits(mask.Value) != 0;
}

/// <summary>Eight float lanes in a 256-bit register (AVX2).</summary>
internal readonly unsafe struct Lanes256(Vector256<float> value) : ILanes<Lanes256>
{
    /// <summary>The register.</summary>
    public readonly Vector256<float> Value = value;

    public static int Count => Vector256<float>.Count;
    public static bool IsAccelerated => Vector256.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(float* source) => new(Vector256.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Load(ref float source, nuint index) => new(Vector256.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => Value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => Value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Create(float value) => new(Vector256.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator +(Lanes256 left, Lanes256 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 left, Lanes256 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator *(Lanes256 left, Lanes256 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator /(Lanes256 left, Lanes256 right) => new(left.Value / right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 operator -(Lanes256 value) => new(-value.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 FusedMultiplyAdd(Lanes256 a, Lanes256 b, Lanes256 c) => new(Vector256.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Sqrt(Lanes256 value) => new(Vector256.Sqrt(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Max(Lanes256 left, Lanes256 right) => new(Vector256.Max(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Min(Lanes256 left, Lanes256 right) => new(Vector256.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Abs(Lanes256 value) => new(Vector256.Abs(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 GreaterThan(Lanes256 left, Lanes256 right) => new(Vector256.GreaterThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 LessThan(Lanes256 left, Lanes256 right) => new(Vector256.LessThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Equal(Lanes256 left, Lanes256 right) => new(Vector256.Equals(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 Select(Lanes256 mask, Lanes256 whenTrue, Lanes256 whenFalse) => new(Vector256.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes256 WherePositive(Lanes256 condition, Lanes256 value) => new(value.Value & Vector256.GreaterThan(condition.Value, Vector256<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes256 NonFinite(Lanes256 value)
    {
        var exponent = Vector256.Create(0x7F800000);
        return new(Vector256.Equals(value.Value.AsInt32() & exponent, exponent).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes256 mask) => Vector256.ExtractMostSignificantBits(mask.Value) != 0;
}

/// <summary>Four float lanes in a 128-bit register (SSE/AVX on x64, NEON on ARM64).</summary>
internal readonly unsafe struct Lanes128(Vector128<float> value) : ILanes<Lanes128>
{
    /// <summary>The register.</summary>
    public readonly Vector128<float> Value = value;

    public static int Count => Vector128<float>.Count;
    public static bool IsAccelerated => Vector128.IsHardwareAccelerated;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Load(float* source) => new(Vector128.Load(source));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Load(ref float source, nuint index) => new(Vector128.LoadUnsafe(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => Value.Store(destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => Value.StoreUnsafe(ref destination, index);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Create(float value) => new(Vector128.Create(value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator +(Lanes128 left, Lanes128 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator -(Lanes128 left, Lanes128 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator *(Lanes128 left, Lanes128 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator /(Lanes128 left, Lanes128 right) => new(left.Value / right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 operator -(Lanes128 value) => new(-value.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 FusedMultiplyAdd(Lanes128 a, Lanes128 b, Lanes128 c) => new(Fma128.MultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Sqrt(Lanes128 value) => new(Vector128.Sqrt(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Max(Lanes128 left, Lanes128 right) => new(Vector128.Max(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Min(Lanes128 left, Lanes128 right) => new(Vector128.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Abs(Lanes128 value) => new(Vector128.Abs(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 GreaterThan(Lanes128 left, Lanes128 right) => new(Vector128.GreaterThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 LessThan(Lanes128 left, Lanes128 right) => new(Vector128.LessThan(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Equal(Lanes128 left, Lanes128 right) => new(Vector128.Equals(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 Select(Lanes128 mask, Lanes128 whenTrue, Lanes128 whenFalse) => new(Vector128.ConditionalSelect(mask.Value, whenTrue.Value, whenFalse.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lanes128 WherePositive(Lanes128 condition, Lanes128 value) => new(value.Value & Vector128.GreaterThan(condition.Value, Vector128<float>.Zero));
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Lanes128 NonFinite(Lanes128 value)
    {
        var exponent = Vector128.Create(0x7F800000);
        return new(Vector128.Equals(value.Value.AsInt32() & exponent, exponent).AsSingle());
    }
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lanes128 mask) => Vector128.ExtractMostSignificantBits(mask.Value) != 0;
}

/// <summary>
/// One float: the scalar form of every kernel, used for the tail of a span and as the reference the vector widths
/// are tested against. Masks are floats whose 32 bits are all set (or none), as a vector lane's are.
/// </summary>
internal readonly unsafe struct Lane1(float value) : ILanes<Lane1>
{
    private static readonly float AllBits = BitConverter.Int32BitsToSingle(-1);

    /// <summary>The value.</summary>
    public readonly float Value = value;

    public static int Count => 1;
    public static bool IsAccelerated => true;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Load(float* source) => new(*source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Load(ref float source, nuint index) => new(Unsafe.Add(ref source, index));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(float* destination) => *destination = Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public void Store(ref float destination, nuint index) => Unsafe.Add(ref destination, index) = Value;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Create(float value) => new(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator +(Lane1 left, Lane1 right) => new(left.Value + right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator -(Lane1 left, Lane1 right) => new(left.Value - right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator *(Lane1 left, Lane1 right) => new(left.Value * right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator /(Lane1 left, Lane1 right) => new(left.Value / right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 operator -(Lane1 value) => new(-value.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 FusedMultiplyAdd(Lane1 a, Lane1 b, Lane1 c) => new(MathF.FusedMultiplyAdd(a.Value, b.Value, c.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Sqrt(Lane1 value) => new(MathF.Sqrt(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Max(Lane1 left, Lane1 right) => new(MathF.Max(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Min(Lane1 left, Lane1 right) => new(MathF.Min(left.Value, right.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Abs(Lane1 value) => new(MathF.Abs(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 GreaterThan(Lane1 left, Lane1 right) => Mask(left.Value > right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 LessThan(Lane1 left, Lane1 right) => Mask(left.Value < right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Equal(Lane1 left, Lane1 right) => Mask(left.Value == right.Value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 Select(Lane1 mask, Lane1 whenTrue, Lane1 whenFalse) => IsSet(mask) ? whenTrue : whenFalse;
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 WherePositive(Lane1 condition, Lane1 value) => new(condition.Value > 0f ? value.Value : 0f);
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static Lane1 NonFinite(Lane1 value) => Mask(!float.IsFinite(value.Value));
    [MethodImpl(MethodImplOptions.AggressiveInlining)] public static bool Any(Lane1 mask) => IsSet(mask);

    private static Lane1 Mask(bool set) => new(set ? AllBits : 0f);
    private static bool IsSet(Lane1 mask) => BitConverter.SingleToInt32Bits(mask.Value) != 0;
}
