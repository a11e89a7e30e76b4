using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused RMSprop update: one pass over θ, g, the mean square and (when used) the mean gradient and the momentum
/// buffer. The vector path rounds exactly as the scalar reference <see cref="StepReference"/> (the same operations
/// in the same order), so both give bit-identical results; large tensors are split across the compute threads in
/// fixed chunks, which changes no result since every element is independent.
/// </summary>
/// <remarks>
/// The operations are those torch.optim.RMSprop (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-adds PyTorch's CPU kernels make: <c>add(x, alpha=a)</c> is
/// fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self); <c>addcdiv</c> is not fused, nor
/// are the textbook momentum forms, which torch does not have. The same explicit fused multiply-add is used on both
/// paths (exactly rounded, so vector and scalar still agree bit for bit), which makes the result equal PyTorch's
/// bit for bit rather than within a few ulps.
/// </remarks>
internal static class RMSpropKernel
{
    /// <summary>
    /// The float hyper-parameters as torch's kernels see them. <paramref name="OneMinusAlpha"/> and
    /// <paramref name="OneMinusMomentum"/> are computed in double; <paramref name="Form"/> is null without momentum.
    /// </summary>
    internal readonly record struct Hyper(
        float Alpha, float OneMinusAlpha, float Eps, float Lr, float NegLr, float WeightDecay,
        float Momentum, float OneMinusMomentum, MomentumForm? Form, bool Centered, bool EpsInsideSqrt, bool Maximize);

    /// <summary>
    /// Updates <paramref name="param"/> and the buffers in place; <paramref name="gradAvg"/> is used only when
    /// centered and <paramref name="momentumBuffer"/> only with momentum (pass empty spans otherwise).
    /// </summary>
    public static unsafe void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg,
        Span<float> momentumBuffer, Hyper h)
    {
        int n = param.Length;
        if (grad.Length != n || squareAvg.Length != n || (h.Centered && gradAvg.Length != n) || (h.Form is not null && momentumBuffer.Length != n))
            throw new ArgumentException("RMSprop step: parameter, gradient and buffer lengths differ");
        if (!h.Centered) gradAvg = [];
        if (h.Form is null) momentumBuffer = [];
        if (n < ElementwiseChunks.ParallelThreshold || ComputeThreads.Count == 1)
        {
            StepSerial(param, grad, squareAvg, gradAvg, momentumBuffer, h);
            return;
        }
        fixed (float* p = param, g = grad, v = squareAvg, m = gradAvg, b = momentumBuffer)
            ElementwiseChunks.Run(n, new Body(p, g, v, m, b, h));
    }

    private readonly unsafe struct Body(float* p, float* g, float* v, float* m, float* b, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            StepSerial(new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length), new Span<float>(v + start, length),
                m == null ? [] : new Span<float>(m + start, length), b == null ? [] : new Span<float>(b + start, length), h);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg,
        Span<float> momentumBuffer, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float v = ref MemoryMarshal.GetReference(squareAvg);
            ref float m = ref MemoryMarshal.GetReference(gradAvg);
            ref float b = ref MemoryMarshal.GetReference(momentumBuffer);
            var alpha = Vector512.Create(h.Alpha);
            var oneMinusAlpha = Vector512.Create(h.OneMinusAlpha);
            var eps = Vector512.Create(h.Eps);
            var lr = Vector512.Create(h.Lr);
            var negLr = Vector512.Create(h.NegLr);
            var wd = Vector512.Create(h.WeightDecay);
            var mu = Vector512.Create(h.Momentum);
            var oneMinusMu = Vector512.Create(h.OneMinusMomentum);
            bool decay = h.WeightDecay != 0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (h.Maximize) gv = -gv;
                if (decay) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                var vv = Vector512.LoadUnsafe(ref v, (nuint)i) * alpha;
                vv = Vector512.FusedMultiplyAdd(oneMinusAlpha * gv, gv, vv);
                vv.StoreUnsafe(ref v, (nuint)i);
                if (h.Centered)
                {
                    var mv = Vector512.LoadUnsafe(ref m, (nuint)i) * alpha;
                    mv = Vector512.FusedMultiplyAdd(gv, oneMinusAlpha, mv);
                    mv.StoreUnsafe(ref m, (nuint)i);
                    vv = Vector512.FusedMultiplyAdd(-mv, mv, vv);
                }
                var avg = h.EpsInsideSqrt ? Vector512.Sqrt(vv + eps) : Vector512.Sqrt(vv) + eps;
                switch (h.Form)
                {
                    case null:
                        pv += negLr * gv / avg;
                        break;
                    case MomentumForm.PyTorch:
                    {
                        var bv = Vector512.LoadUnsafe(ref b, (nuint)i) * mu + gv / avg;
                        bv.StoreUnsafe(ref b, (nuint)i);
                        pv = Vector512.FusedMultiplyAdd(bv, negLr, pv);
                        break;
                    }
                    case MomentumForm.Sutskever:
                    {
                        var bv = mu * Vector512.LoadUnsafe(ref b, (nuint)i) - lr * gv / avg;
                        bv.StoreUnsafe(ref b, (nuint)i);
                        pv += bv;
                        break;
                    }
                    default:
                    {
                        var bv = mu * Vector512.LoadUnsafe(ref b, (nuint)i) + oneMinusMu * (gv / avg);
                        bv.StoreUnsafe(ref b, (nuint)i);
                        pv += negLr * bv;
                        break;
                    }
                }
                pv.StoreUnsafe(ref p, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], squareAvg[i..], h.Centered ? gradAvg[i..] : [], h.Form is null ? [] : momentumBuffer[i..], h);
    }

    /// <summary>The scalar definition of the update, in the order of torch's single-tensor RMSprop.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> gradAvg,
        Span<float> momentumBuffer, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            if (h.WeightDecay != 0) g = MathF.FusedMultiplyAdd(param[i], h.WeightDecay, g);
            float v = squareAvg[i] * h.Alpha;
            v = MathF.FusedMultiplyAdd(h.OneMinusAlpha * g, g, v);
            squareAvg[i] = v;
            if (h.Centered)
            {
                float m = gradAvg[i] * h.Alpha;
                m = MathF.FusedMultiplyAdd(g, h.OneMinusAlpha, m);
                gradAvg[i] = m;
                v = MathF.FusedMultiplyAdd(-m, m, v);
            }
            float avg = h.EpsInsideSqrt ? MathF.Sqrt(v + h.Eps) : MathF.Sqrt(v) + h.Eps;
            switch (h.Form)
            {
                case null:
                    param[i] += h.NegLr * g / avg;
                    break;
                case MomentumForm.PyTorch:
                    momentumBuffer[i] = momentumBuffer[i] * h.Momentum + g / avg;
                    param[i] = MathF.FusedMultiplyAdd(momentumBuffer[i], h.NegLr, param[i]);
                    break;
                case MomentumForm.Sutskever:
                    momentumBuffer[i] = h.Momentum * momentumBuffer[i] - h.Lr * g / avg;
                    param[i] += momentumBuffer[i];
                    break;
                default:
                    momentumBuffer[i] = h.Momentum * momentumBuffer[i] + h.OneMinusMomentum * (g / avg);
                    param[i] += h.NegLr * momentumBuffer[i];
                    break;
            }
        }
    }
}
