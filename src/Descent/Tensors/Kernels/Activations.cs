using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Tensors.Kernels;

/// <summary>
/// Activation functions and their derivatives over spans. Each derivative kernel has a vector path and the
/// scalar reference it must equal (<see cref="ActivationsReference"/>).
/// </summary>
internal static class Activations
{
    /// <summary>dst = max(x, 0).</summary>
    public static void Relu(ReadOnlySpan<float> x, Span<float> dst) => TP.Max(x, 0f, dst);

    /// <summary>dx (+)= g where y &gt; 0, else 0 (y is the ReLU output).</summary>
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
        => ApplyBackward<ReluDerivative>(y, g, dx, accumulate);

    /// <summary>dx (+)= g·y·(1−y) (y is the sigmoid output).</summary>
    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
        => ApplyBackward<SigmoidDerivative>(y, g, dx, accumulate);

    /// <summary>dx (+)= g·(1−y²) (y is the tanh output).</summary>
    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
        => ApplyBackward<TanhDerivative>(y, g, dx, accumulate);

    /// <summary>The gradient an activation passes back, g·f'(x), written in terms of its output y.</summary>
    private interface IDerivative
    {
        static abstract Vector512<float> Backward(Vector512<float> y, Vector512<float> g);
        static abstract Vector256<float> Backward(Vector256<float> y, Vector256<float> g);
        static abstract float Backward(float y, float g);
    }

    private readonly struct ReluDerivative : IDerivative
    {
        public static Vector512<float> Backward(Vector512<float> y, Vector512<float> g) => g & Vector512.GreaterThan(y, Vector512<float>.Zero);
        public static Vector256<float> Backward(Vector256<float> y, Vector256<float> g) => g & Vector256.GreaterThan(y, Vector256<float>.Zero);
        public static float Backward(float y, float g) => y > 0f ? g : 0f;
    }

    private readonly struct SigmoidDerivative : IDerivative
    {
        public static Vector512<float> Backward(Vector512<float> y, Vector512<float> g) => g * (y * (Vector512<float>.One - y));
        public static Vector256<float> Backward(Vector256<float> y, Vector256<float> g) => g * (y * (Vector256<float>.One - y));
        public static float Backward(float y, float g) => g * (y * (1f - y));
    }

    private readonly struct TanhDerivative : IDerivative
    {
        public static Vector512<float> Backward(Vector512<float> y, Vector512<float> g) => g * (Vector512<float>.One - y * y);
        public static Vector256<float> Backward(Vector256<float> y, Vector256<float> g) => g * (Vector256<float>.One - y * y);
        public static float Backward(float y, float g) => g * (1f - y * y);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void ApplyBackward<TD>(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
        where TD : struct, IDerivative
    {
        if (y.Length != g.Length || dx.Length != g.Length) throw new ArgumentException("activation backward spans differ in length");
        int n = g.Length, i = 0;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float dr = ref MemoryMarshal.GetReference(dx);
        if (Vector512.IsHardwareAccelerated)
        {
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var v = TD.Backward(Vector512.LoadUnsafe(ref yr, (nuint)i), Vector512.LoadUnsafe(ref gr, (nuint)i));
                if (accumulate) v += Vector512.LoadUnsafe(ref dr, (nuint)i);
                v.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= n - Vector256<float>.Count; i += Vector256<float>.Count)
            {
                var v = TD.Backward(Vector256.LoadUnsafe(ref yr, (nuint)i), Vector256.LoadUnsafe(ref gr, (nuint)i));
                if (accumulate) v += Vector256.LoadUnsafe(ref dr, (nuint)i);
                v.StoreUnsafe(ref dr, (nuint)i);
            }
        }
        for (; i < n; i++)
        {
            float v = TD.Backward(y[i], g[i]);
            dx[i] = accumulate ? dx[i] + v : v;
        }
    }
}

/// <summary>Scalar reference versions of the activation derivatives: the definition the vector paths must match.</summary>
internal static class ActivationsReference
{
    public static void ReluBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
    {
        for (int i = 0; i < g.Length; i++)
        {
            float v = y[i] > 0f ? g[i] : 0f;
            dx[i] = accumulate ? dx[i] + v : v;
        }
    }

    public static void SigmoidBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
    {
        for (int i = 0; i < g.Length; i++)
        {
            float v = g[i] * (y[i] * (1f - y[i]));
            dx[i] = accumulate ? dx[i] + v : v;
        }
    }

    public static void TanhBackward(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
    {
        for (int i = 0; i < g.Length; i++)
        {
            float v = g[i] * (1f - y[i] * y[i]);
            dx[i] = accumulate ? dx[i] + v : v;
        }
    }
}
