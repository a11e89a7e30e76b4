using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Simd;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Tensors.Kernels;

/// <summary>
/// Activation functions and their derivatives over spans. Each derivative is written once over
/// <see cref="ILanes{TSelf}"/> and runs on the widest lane type (<see cref="SimdPath.Width"/>) with a one-lane tail;
/// every width must equal the scalar reference (<see cref="ActivationsReference"/>) bit for bit.
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

    /// <summary>The gradient an activation passes back, g·f'(x), written in terms of its output y, once for every lane type.</summary>
    private interface IDerivative
    {
        static abstract TLanes Backward<TLanes>(TLanes y, TLanes g) where TLanes : struct, ILanes<TLanes>;
    }

    private readonly struct ReluDerivative : IDerivative
    {
        public static TLanes Backward<TLanes>(TLanes y, TLanes g) where TLanes : struct, ILanes<TLanes> => TLanes.WherePositive(y, g);
    }

    private readonly struct SigmoidDerivative : IDerivative
    {
        public static TLanes Backward<TLanes>(TLanes y, TLanes g) where TLanes : struct, ILanes<TLanes> => g * (y * (TLanes.Create(1f) - y));
    }

    private readonly struct TanhDerivative : IDerivative
    {
        public static TLanes Backward<TLanes>(TLanes y, TLanes g) where TLanes : struct, ILanes<TLanes> => g * (TLanes.Create(1f) - y * y);
    }

    private static void ApplyBackward<TD>(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate)
        where TD : struct, IDerivative
    {
        if (y.Length != g.Length || dx.Length != g.Length) throw new ArgumentException("activation backward spans differ in length");
        int i = SimdPath.Width switch
        {
            SimdWidth.Vector512 => ApplyBackward<TD, Lanes512>(y, g, dx, accumulate, 0),
            SimdWidth.Vector256 => ApplyBackward<TD, Lanes256>(y, g, dx, accumulate, 0),
            SimdWidth.Vector128 => ApplyBackward<TD, Lanes128>(y, g, dx, accumulate, 0),
            _ => 0,
        };
        ApplyBackward<TD, Lane1>(y, g, dx, accumulate, i);
    }

    /// <summary>Runs whole groups of <typeparamref name="TLanes"/> from <paramref name="start"/>; returns where they stop.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int ApplyBackward<TD, TLanes>(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate, int start)
        where TD : struct, IDerivative where TLanes : struct, ILanes<TLanes>
    {
        int n = g.Length, i = start, count = TLanes.Count;
        ref float yr = ref MemoryMarshal.GetReference(y);
        ref float gr = ref MemoryMarshal.GetReference(g);
        ref float dr = ref MemoryMarshal.GetReference(dx);
        for (; i <= n - count; i += count)
        {
            var v = TD.Backward(TLanes.Load(ref yr, (nuint)i), TLanes.Load(ref gr, (nuint)i));
            if (accumulate) v = TLanes.Load(ref dr, (nuint)i) + v;
            v.Store(ref dr, (nuint)i);
        }
        return i;
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
