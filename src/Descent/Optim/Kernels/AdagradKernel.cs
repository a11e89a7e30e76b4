using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adagrad update: one pass that reads θ, g and the sum of squares once and writes θ and the sum once.
/// The vector path rounds exactly as the scalar reference <see cref="StepReference"/> (the same operations in the
/// same order), so both give bit-identical results; large tensors are split across the compute threads in fixed
/// chunks, which changes no result since every element is independent.
/// </summary>
/// <remarks>
/// The operations are those torch.optim.Adagrad (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-adds PyTorch's CPU kernels make: <c>add(x, alpha=a)</c> is
/// fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self); <c>addcdiv</c> is not fused. The
/// same explicit fused multiply-add is used on both paths (exactly rounded, so vector and scalar still agree bit for
/// bit), which makes the result equal PyTorch's bit for bit rather than within a few ulps.
/// </remarks>
internal static class AdagradKernel
{
    /// <summary>
    /// The float hyper-parameters as torch's kernels see them: <paramref name="NegClr"/> is float(−clr) with
    /// clr = lr / (1 + (step − 1)·lr_decay) computed in double.
    /// </summary>
    internal readonly record struct Hyper(float NegClr, float Eps, float WeightDecay, bool Maximize, bool EpsInsideSqrt);

    /// <summary>Updates <paramref name="param"/> and <paramref name="sum"/> in place from <paramref name="grad"/>.</summary>
    public static unsafe void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum, Hyper h)
    {
        if (grad.Length != param.Length || sum.Length != param.Length)
            throw new ArgumentException("Adagrad step: parameter, gradient and sum lengths differ");
        int n = param.Length;
        if (n < ElementwiseChunks.ParallelThreshold || ComputeThreads.Count == 1)
        {
            StepSerial(param, grad, sum, h);
            return;
        }
        fixed (float* p = param, g = grad, s = sum)
            ElementwiseChunks.Run(n, new Body(p, g, s, h));
    }

    private readonly unsafe struct Body(float* p, float* g, float* s, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            StepSerial(new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length), new Span<float>(s + start, length), h);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float s = ref MemoryMarshal.GetReference(sum);
            var negClr = Vector512.Create(h.NegClr);
            var eps = Vector512.Create(h.Eps);
            var wd = Vector512.Create(h.WeightDecay);
            bool decay = h.WeightDecay != 0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (h.Maximize) gv = -gv;
                if (decay) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                var sv = Vector512.FusedMultiplyAdd(gv, gv, Vector512.LoadUnsafe(ref s, (nuint)i));
                sv.StoreUnsafe(ref s, (nuint)i);
                var std = h.EpsInsideSqrt ? Vector512.Sqrt(sv + eps) : Vector512.Sqrt(sv) + eps;
                (pv + negClr * gv / std).StoreUnsafe(ref p, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], sum[i..], h);
    }

    /// <summary>The scalar definition of the update, in the order of torch's single-tensor Adagrad.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> sum, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            if (h.WeightDecay != 0) g = MathF.FusedMultiplyAdd(param[i], h.WeightDecay, g);
            float s = MathF.FusedMultiplyAdd(g, g, sum[i]);
            sum[i] = s;
            float std = h.EpsInsideSqrt ? MathF.Sqrt(s + h.Eps) : MathF.Sqrt(s) + h.Eps;
            param[i] += h.NegClr * g / std;
        }
    }
}
