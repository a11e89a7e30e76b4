using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Tensors.Kernels;

/// <summary>
/// Elementwise arithmetic over spans. Destinations may alias inputs exactly. Most forward to
/// System.Numerics.Tensors, which takes the widest of Vector512, Vector256 and Vector128 with the same IEEE-754
/// operation per element on each (its MultiplyAdd is not fused), so the bits do not depend on the width; its Exp,
/// Tanh and Sigmoid evaluate one polynomial for every width (the cross-CPU test passes check it). Sums use
/// <see cref="Reductions"/>, whose order does not depend on the width, and Log runs <see cref="MathF.Log(float)"/>
/// per element, since TensorPrimitives.Log gives other bits on machines without FMA.
/// </summary>
internal static class Elementwise
{
    public static void Add(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TP.Add(a, b, dst);

    public static void Add(ReadOnlySpan<float> a, float b, Span<float> dst) => TP.Add(a, b, dst);

    public static void Subtract(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TP.Subtract(a, b, dst);

    public static void Multiply(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TP.Multiply(a, b, dst);

    public static void Multiply(ReadOnlySpan<float> a, float b, Span<float> dst) => TP.Multiply(a, b, dst);

    public static void Negate(ReadOnlySpan<float> a, Span<float> dst) => TP.Negate(a, dst);

    /// <summary>dst = a + s·b.</summary>
    public static void AddScaled(ReadOnlySpan<float> a, ReadOnlySpan<float> b, float s, Span<float> dst) => TP.MultiplyAdd(b, s, a, dst);

    /// <summary>dst = a·b + c.</summary>
    public static void MultiplyAdd(ReadOnlySpan<float> a, ReadOnlySpan<float> b, ReadOnlySpan<float> c, Span<float> dst) => TP.MultiplyAdd(a, b, c, dst);

    public static void Divide(ReadOnlySpan<float> a, ReadOnlySpan<float> b, Span<float> dst) => TP.Divide(a, b, dst);

    public static void Exp(ReadOnlySpan<float> a, Span<float> dst) => TP.Exp(a, dst);

    /// <summary>dst = ln a, one <see cref="MathF.Log(float)"/> per element.</summary>
    public static void Log(ReadOnlySpan<float> a, Span<float> dst)
    {
        if (dst.Length < a.Length) throw new ArgumentException("Destination is too short.", nameof(dst));
        for (int i = 0; i < a.Length; i++) dst[i] = MathF.Log(a[i]);
    }

    public static void Tanh(ReadOnlySpan<float> a, Span<float> dst) => TP.Tanh(a, dst);

    public static void Sigmoid(ReadOnlySpan<float> a, Span<float> dst) => TP.Sigmoid(a, dst);

    /// <summary>The sum of the elements, accumulated in an order that depends on the length alone (<see cref="Reductions.Sum"/>).</summary>
    public static float Sum(ReadOnlySpan<float> a) => Reductions.Sum(a);

    public static float Max(ReadOnlySpan<float> a) => TP.Max(a);

    public static int IndexOfMax(ReadOnlySpan<float> a) => TP.IndexOfMax(a);

    /// <summary>The sum of squares, in double, for norms that must not overflow or lose small terms (<see cref="Reductions.SumOfSquaresDouble"/>).</summary>
    public static double SumOfSquaresDouble(ReadOnlySpan<float> a) => Reductions.SumOfSquaresDouble(a);
}
