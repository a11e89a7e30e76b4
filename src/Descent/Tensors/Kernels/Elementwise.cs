using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Tensors.Kernels;

/// <summary>
/// Elementwise arithmetic over spans, vectorized (AVX-512 / AVX2 where the machine has them) through
/// System.Numerics.Tensors. Destinations may alias inputs exactly.
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

    public static void Log(ReadOnlySpan<float> a, Span<float> dst) => TP.Log(a, dst);

    public static void Tanh(ReadOnlySpan<float> a, Span<float> dst) => TP.Tanh(a, dst);

    public static void Sigmoid(ReadOnlySpan<float> a, Span<float> dst) => TP.Sigmoid(a, dst);

    /// <summary>The sum of the elements, accumulated in a fixed order so the result is reproducible.</summary>
    public static float Sum(ReadOnlySpan<float> a) => TP.Sum(a);

    public static float Max(ReadOnlySpan<float> a) => TP.Max(a);

    public static int IndexOfMax(ReadOnlySpan<float> a) => TP.IndexOfMax(a);

    /// <summary>The sum of squares, in double, for norms that must not overflow or lose small terms.</summary>
    public static double SumOfSquaresDouble(ReadOnlySpan<float> a)
    {
        double sum = 0;
        const int block = 4096;
        for (int i = 0; i < a.Length; i += block)
            sum += TP.SumOfSquares(a.Slice(i, Math.Min(block, a.Length - i)));
        return sum;
    }
}
