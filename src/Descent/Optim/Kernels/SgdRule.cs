using System.Runtime.CompilerServices;
using Descent.Simd;

namespace Descent.Optim.Kernels;

/// <summary>
/// The fused SGD update: one pass that reads θ, g and the momentum buffer (the first state buffer, used when
/// momentum ≠ 0) once and writes θ and the buffer once. Each line rounds as PyTorch 1.13's CPU kernels do (every
/// <c>add_(x, alpha=a)</c> is one fused multiply-add with a rounded to float32), so the results equal
/// torch.optim.SGD bit for bit.
/// </summary>
/// <remarks>
/// The options that choose lines (momentum, weight decay, maximize, Nesterov) are type parameters of the rule that
/// runs, <see cref="SgdRule{TMomentum, TDecay, TMaximize, TNesterov}"/>, so the JIT compiles one branch-free loop
/// per combination: plain SGD is a load, a fused multiply-add and a store per register. <see cref="Run"/> picks it.
/// </remarks>
/// <param name="Lr">The learning rate, rounded to float32 as torch rounds it.</param>
/// <param name="Momentum">μ; 0 for plain SGD, which then has no buffer.</param>
/// <param name="OneMinusDampening">1 − τ, computed in double before rounding, as torch receives it as a Python float.</param>
/// <param name="WeightDecay">λ of the L2 penalty folded into the gradient.</param>
/// <param name="Nesterov">Whether the step uses g + μ·b instead of b.</param>
/// <param name="Maximize">Whether to ascend.</param>
/// <param name="FirstStep">Whether the buffer is created by this step (then b = g, as torch's <c>clone</c>).</param>
internal readonly record struct SgdRule(float Lr, float Momentum, float OneMinusDampening, float WeightDecay,
    bool Nesterov, bool Maximize, bool FirstStep)
{
    /// <summary>The rule from the options, each rounded as torch rounds it.</summary>
    public static SgdRule From(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize, bool firstStep) =>
        new((float)lr, (float)momentum, (float)(1.0 - dampening), (float)weightDecay, nesterov, maximize, firstStep);

    /// <summary>Updates <paramref name="param"/> (and <paramref name="buffer"/> with momentum) on the elementwise driver.</summary>
    public void Run(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer) =>
        Specialize(new Driver(param, grad, buffer));

    /// <summary>Hands <paramref name="user"/> the rule specialized for these options.</summary>
    public void Specialize<TUser>(TUser user) where TUser : IRuleUser, allows ref struct
    {
        if (Momentum != 0) Decay<TUser, Yes>(user);
        else Decay<TUser, No>(user);
    }

    private void Decay<TUser, TM>(TUser user) where TUser : IRuleUser, allows ref struct where TM : struct, IFlag
    {
        if (WeightDecay != 0) Maximizing<TUser, TM, Yes>(user);
        else Maximizing<TUser, TM, No>(user);
    }

    private void Maximizing<TUser, TM, TD>(TUser user) where TUser : IRuleUser, allows ref struct where TM : struct, IFlag where TD : struct, IFlag
    {
        if (Maximize) WithNesterov<TUser, TM, TD, Yes>(user);
        else WithNesterov<TUser, TM, TD, No>(user);
    }

    private void WithNesterov<TUser, TM, TD, TX>(TUser user) where TUser : IRuleUser, allows ref struct
        where TM : struct, IFlag where TD : struct, IFlag where TX : struct, IFlag
    {
        if (Nesterov) user.Use(new SgdRule<TM, TD, TX, Yes>(this));
        else user.Use(new SgdRule<TM, TD, TX, No>(this));
    }

    private readonly ref struct Driver(Span<float> param, ReadOnlySpan<float> grad, Span<float> buffer) : IRuleUser
    {
        private readonly Span<float> _param = param, _buffer = buffer;
        private readonly ReadOnlySpan<float> _grad = grad;

        public void Use<TRule>(TRule rule) where TRule : struct, IUpdateRule => ElementwiseUpdate.Run(rule, _param, _grad, _buffer);
    }
}

/// <summary>
/// <see cref="SgdRule"/> with the options that choose lines fixed as type parameters (<see cref="Yes"/> or
/// <see cref="No"/>), so each combination compiles to a loop without branches.
/// </summary>
internal readonly struct SgdRule<TMomentum, TDecay, TMaximize, TNesterov>(SgdRule r) : IUpdateRule
    where TMomentum : struct, IFlag where TDecay : struct, IFlag where TMaximize : struct, IFlag where TNesterov : struct, IFlag
{
    private readonly float _lr = r.Lr, _momentum = r.Momentum, _oneMinusDampening = r.OneMinusDampening, _weightDecay = r.WeightDecay;
    private readonly bool _firstStep = r.FirstStep;

    public StateStreams Streams => TMomentum.On ? StateStreams.First : StateStreams.None;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public unsafe void Apply<L>(float* pParam, float* pGrad, float* first, float* second, float* third) where L : struct, ILanes<L>
    {
        var param = L.Load(pParam);
        var g = L.Load(pGrad);
        if (TMaximize.On) g = -g;
        if (TDecay.On) g = L.FusedMultiplyAdd(param, L.Create(_weightDecay), g);                      // d_p.add(param, alpha=λ)
        if (TMomentum.On)
        {
            var buffer = _firstStep ? g : L.FusedMultiplyAdd(g, L.Create(_oneMinusDampening), L.Load(first) * L.Create(_momentum)); // buf.mul_(μ).add_(d_p, alpha=1 − τ)
            g = TNesterov.On ? L.FusedMultiplyAdd(buffer, L.Create(_momentum), g) : buffer;          // d_p.add(buf, alpha=μ)
            buffer.Store(first);
        }
        param = L.FusedMultiplyAdd(g, L.Create(-_lr), param);                                         // param.add_(d_p, alpha=−lr)
        param.Store(pParam);
    }
}
