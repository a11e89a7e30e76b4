using System.Runtime.CompilerServices;
using Descent.Simd;
using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>
/// The one driver of every elementwise optimizer update: checks the lengths, pins the buffers, splits a large tensor
/// into <see cref="ElementwiseChunks"/> over the compute threads, and sweeps each chunk with the widest vector the
/// machine has, then narrower ones, then single floats for the tail. The rule decides what happens to an element;
/// the driver decides nothing else, so every optimizer gets the same threading, widths and tail handling.
/// </summary>
/// <remarks>
/// Elements are independent and a rule gives the same bits on every width, so the result depends neither on the
/// number of threads nor on the width the CPU offers.
/// </remarks>
internal static unsafe class ElementwiseUpdate
{
    /// <summary>
    /// Applies <paramref name="rule"/> to every element of <paramref name="param"/> with its gradient and state.
    /// State buffers the rule does not use may be empty.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer the rule uses is not as long as the parameter.</exception>
    public static void Run<TRule>(TRule rule, Span<float> param, ReadOnlySpan<float> grad,
        Span<float> first = default, Span<float> second = default, Span<float> third = default)
        where TRule : struct, IUpdateRule
    {
        int n = param.Length;
        var used = rule.Streams;
        if (grad.Length != n
            || (used.HasFlag(StateStreams.First) && first.Length != n)
            || (used.HasFlag(StateStreams.Second) && second.Length != n)
            || (used.HasFlag(StateStreams.Third) && third.Length != n))
            throw new ArgumentException($"{typeof(TRule).Name}: the parameter has {n} elements but its gradient or a state buffer does not");
        if (n == 0) return;
        fixed (float* p = param, g = grad, a = first, b = second, c = third)
        {
            var buffers = new Buffers(p, g,
                used.HasFlag(StateStreams.First) ? a : null,
                used.HasFlag(StateStreams.Second) ? b : null,
                used.HasFlag(StateStreams.Third) ? c : null);
            ElementwiseChunks.Run(n, new Chunk<TRule>(rule, buffers));
        }
    }

    /// <summary>The pinned buffers of one update; a null state pointer is a buffer the rule does not use.</summary>
    private readonly struct Buffers(float* param, float* grad, float* first, float* second, float* third)
    {
        public readonly float* Param = param, Grad = grad, First = first, Second = second, Third = third;
    }

    private readonly struct Chunk<TRule>(TRule rule, Buffers buffers) : IChunkKernel where TRule : struct, IUpdateRule
    {
        public void Run(int start, int length) => Sweep(rule, buffers, start, start + length);
    }

    /// <summary>Updates [start, end): the widest accelerated width first, each narrower one for what is left.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Sweep<TRule>(TRule rule, in Buffers buffers, int start, int end) where TRule : struct, IUpdateRule
    {
        int i = start;
        var width = SimdPath.Width;
        if (width >= SimdWidth.Vector512) i = Lanes<TRule, Lanes512>(rule, buffers, i, end);
        if (width >= SimdWidth.Vector256) i = Lanes<TRule, Lanes256>(rule, buffers, i, end);
        if (width >= SimdWidth.Vector128) i = Lanes<TRule, Lanes128>(rule, buffers, i, end);
        Lanes<TRule, Lane1>(rule, buffers, i, end);
    }

    /// <summary>Applies the rule to whole registers of <typeparamref name="L"/> from <paramref name="i"/>; returns where it stopped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int Lanes<TRule, L>(TRule rule, in Buffers s, int i, int end)
        where TRule : struct, IUpdateRule where L : struct, ILanes<L>
    {
        float* param = s.Param, grad = s.Grad, first = s.First, second = s.Second, third = s.Third;
        for (; i <= end - L.Count; i += L.Count)
            rule.Apply<L>(param + i, grad + i, first + i, second + i, third + i);
        return i;
    }
}
