using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Descent.Simd;

namespace Descent.Tensors.Kernels;

/// <summary>
/// The elementwise maps of batch normalization over one row of a channel, written once over
/// <see cref="ILanes{TSelf}"/>: the widest lanes (<see cref="SimdPath.Width"/>), then one lane for the tail, with the
/// same unfused float operations on every width.
/// </summary>
internal static class BatchNormRows
{
    /// <summary>y[j] = x[j]·a + b.</summary>
    public static void Affine(ReadOnlySpan<float> x, float a, float b, Span<float> y)
    {
        int i = SimdPath.Width switch
        {
            SimdWidth.Vector512 => Affine<Lanes512>(x, a, b, y, 0),
            SimdWidth.Vector256 => Affine<Lanes256>(x, a, b, y, 0),
            SimdWidth.Vector128 => Affine<Lanes128>(x, a, b, y, 0),
            _ => 0,
        };
        Affine<Lane1>(x, a, b, y, i);
    }

    /// <summary>dx[j] (+)= (a·dy[j] + b·x[j]) + d.</summary>
    public static void InputGradient(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float a, float b, float d, Span<float> dx, bool accumulate)
    {
        int i = SimdPath.Width switch
        {
            SimdWidth.Vector512 => InputGradient<Lanes512>(x, dy, a, b, d, dx, accumulate, 0),
            SimdWidth.Vector256 => InputGradient<Lanes256>(x, dy, a, b, d, dx, accumulate, 0),
            SimdWidth.Vector128 => InputGradient<Lanes128>(x, dy, a, b, d, dx, accumulate, 0),
            _ => 0,
        };
        InputGradient<Lane1>(x, dy, a, b, d, dx, accumulate, i);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int Affine<TLanes>(ReadOnlySpan<float> x, float a, float b, Span<float> y, int start) where TLanes : struct, ILanes<TLanes>
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float yr = ref MemoryMarshal.GetReference(y);
        TLanes va = TLanes.Create(a), vb = TLanes.Create(b);
        int n = x.Length, i = start;
        for (; i <= n - TLanes.Count; i += TLanes.Count)
            (TLanes.Load(ref xr, (nuint)i) * va + vb).Store(ref yr, (nuint)i);
        return i;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int InputGradient<TLanes>(ReadOnlySpan<float> x, ReadOnlySpan<float> dy, float a, float b, float d, Span<float> dx, bool accumulate, int start)
        where TLanes : struct, ILanes<TLanes>
    {
        ref float xr = ref MemoryMarshal.GetReference(x);
        ref float gr = ref MemoryMarshal.GetReference(dy);
        ref float dr = ref MemoryMarshal.GetReference(dx);
        TLanes va = TLanes.Create(a), vb = TLanes.Create(b), vd = TLanes.Create(d);
        int n = x.Length, i = start;
        for (; i <= n - TLanes.Count; i += TLanes.Count)
        {
            TLanes v = va * TLanes.Load(ref gr, (nuint)i) + vb * TLanes.Load(ref xr, (nuint)i) + vd;
            if (accumulate) v = TLanes.Load(ref dr, (nuint)i) + v;
            v.Store(ref dr, (nuint)i);
        }
        return i;
    }
}
