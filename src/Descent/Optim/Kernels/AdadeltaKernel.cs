using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using Descent.Threading;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused Adadelta update: one pass over θ, g and the two running averages.
/// The vector path rounds exactly as the scalar reference <see cref="StepReference"/> (the same operations in the
/// same order), so both give bit-identical results; large tensors are split across the compute threads in fixed
/// chunks, which changes no result since every element is independent.
/// </summary>
/// <remarks>
/// The operations are those torch.optim.Adadelta (1.13, single-tensor) performs one tensor op at a time, each rounded
/// to float32, including the fused multiply-adds PyTorch's CPU kernels make: <c>add(x, alpha=a)</c> is
/// fma(x, a, self) and <c>addcmul(t1, t2, value=s)</c> is fma(s·t1, t2, self). The same explicit fused
/// multiply-add is used on both paths (exactly rounded, so vector and scalar still agree bit for bit), which makes
/// the result equal PyTorch's bit for bit rather than within a few ulps.
/// </remarks>
internal static class AdadeltaKernel
{
    /// <summary>
    /// The float hyper-parameters as torch's kernels see them: ρ, 1 − ρ (computed in double), ε, −lr and λ.
    /// </summary>
    internal readonly record struct Hyper(float Rho, float OneMinusRho, float Eps, float NegLr, float WeightDecay, bool Maximize);

    /// <summary>Updates <paramref name="param"/>, <paramref name="squareAvg"/> and <paramref name="accDelta"/> in place.</summary>
    public static unsafe void Step(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> accDelta, Hyper h)
    {
        if (grad.Length != param.Length || squareAvg.Length != param.Length || accDelta.Length != param.Length)
            throw new ArgumentException("Adadelta step: parameter, gradient and buffer lengths differ");
        int n = param.Length;
        if (n < ElementwiseChunks.ParallelThreshold || ComputeThreads.Count == 1)
        {
            StepSerial(param, grad, squareAvg, accDelta, h);
            return;
        }
        fixed (float* p = param, g = grad, v = squareAvg, u = accDelta)
            ElementwiseChunks.Run(n, new Body(p, g, v, u, h));
    }

    private readonly unsafe struct Body(float* p, float* g, float* v, float* u, Hyper h) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            StepSerial(new Span<float>(p + start, length), new ReadOnlySpan<float>(g + start, length),
                new Span<float>(v + start, length), new Span<float>(u + start, length), h);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void StepSerial(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> accDelta, Hyper h)
    {
        int n = param.Length, i = 0;
        if (Vector512.IsHardwareAccelerated && n >= Vector512<float>.Count)
        {
            ref float p = ref MemoryMarshal.GetReference(param);
            ref float g = ref MemoryMarshal.GetReference(grad);
            ref float v = ref MemoryMarshal.GetReference(squareAvg);
            ref float u = ref MemoryMarshal.GetReference(accDelta);
            var rho = Vector512.Create(h.Rho);
            var oneMinusRho = Vector512.Create(h.OneMinusRho);
            var eps = Vector512.Create(h.Eps);
            var negLr = Vector512.Create(h.NegLr);
            var wd = Vector512.Create(h.WeightDecay);
            bool decay = h.WeightDecay != 0;
            for (; i <= n - Vector512<float>.Count; i += Vector512<float>.Count)
            {
                var pv = Vector512.LoadUnsafe(ref p, (nuint)i);
                var gv = Vector512.LoadUnsafe(ref g, (nuint)i);
                if (h.Maximize) gv = -gv;
                if (decay) gv = Vector512.FusedMultiplyAdd(pv, wd, gv);
                var vv = Vector512.LoadUnsafe(ref v, (nuint)i) * rho;
                vv = Vector512.FusedMultiplyAdd(oneMinusRho * gv, gv, vv);
                vv.StoreUnsafe(ref v, (nuint)i);
                var std = Vector512.Sqrt(vv + eps);
                var uv = Vector512.LoadUnsafe(ref u, (nuint)i);
                var delta = Vector512.Sqrt(uv + eps) / std * gv;
                uv *= rho;
                uv = Vector512.FusedMultiplyAdd(oneMinusRho * delta, delta, uv);
                uv.StoreUnsafe(ref u, (nuint)i);
                Vector512.FusedMultiplyAdd(delta, negLr, pv).StoreUnsafe(ref p, (nuint)i);
            }
        }
        StepReference(param[i..], grad[i..], squareAvg[i..], accDelta[i..], h);
    }

    /// <summary>The scalar definition of the update, in the order of torch's single-tensor Adadelta.</summary>
    public static void StepReference(Span<float> param, ReadOnlySpan<float> grad, Span<float> squareAvg, Span<float> accDelta, Hyper h)
    {
        for (int i = 0; i < param.Length; i++)
        {
            float g = h.Maximize ? -grad[i] : grad[i];
            if (h.WeightDecay != 0) g = MathF.FusedMultiplyAdd(param[i], h.WeightDecay, g);
            float v = squareAvg[i] * h.Rho;
            v = MathF.FusedMultiplyAdd(h.OneMinusRho * g, g, v);
            squareAvg[i] = v;
            float std = MathF.Sqrt(v + h.Eps);
            float u = accDelta[i];
            float delta = MathF.Sqrt(u + h.Eps) / std * g;
            u *= h.Rho;
            u = MathF.FusedMultiplyAdd(h.OneMinusRho * delta, delta, u);
            accDelta[i] = u;
            param[i] = MathF.FusedMultiplyAdd(delta, h.NegLr, param[i]);
        }
    }
}
