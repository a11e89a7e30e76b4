using Descent.Nn;

namespace Descent.Optim;

/// <summary>What Lookahead does to the inner optimizer's momentum buffer when it pulls the weights back (torch keyword <c>pullback_momentum</c>).</summary>
public enum PullbackMomentum
{
    /// <summary>"none": leave the buffer as it is.</summary>
    None,

    /// <summary>"reset": set the buffer to zeros.</summary>
    Reset,

    /// <summary>"pullback": interpolate the buffer as the weights, with the buffer cached at the previous synchronization.</summary>
    Pullback,
}

/// <summary>
/// Hyper-parameters of <see cref="Lookahead"/>, with the reference implementation's names and defaults. Its learning
/// rate is the inner optimizer's: the lr keyword (and any other keyword not in this table) goes to the inner optimizer.
/// </summary>
[Keywords(Omitted = ["lr"])]
public sealed class LookaheadOptions : OptimizerOptions
{
    /// <summary>k, the number of inner steps between synchronizations, ≥ 1 (default 5).</summary>
    [Hyper("la_steps", "inner steps between synchronizations of the slow weights", Symbol = "k", Must = Must.BeAtLeastOne)]
    public int LaSteps { get; set => field = Checked(value); } = 5;

    /// <summary>α, the step size of the slow weights toward the fast ones, in [0, 1] (default 0.8; 1 recovers the inner optimizer).</summary>
    [Hyper("la_alpha", "step size of the slow weights toward the fast ones (1 recovers the inner optimizer)", Symbol = "α", Must = Must.BeInClosedUnitInterval, Noun = "la_alpha")]
    public double LaAlpha { get; set => field = Checked(value); } = 0.8;

    /// <summary>What happens to the inner momentum buffer at a synchronization (default <see cref="PullbackMomentum.None"/>).</summary>
    [Hyper("pullback_momentum", "the inner momentum buffer at a synchronization: none (kept), reset (zeroed), pullback (interpolated as the weights)")]
    public PullbackMomentum PullbackMomentum { get; set; }
}

/// <summary>
/// Lookahead (Zhang, Lucas, Hinton &amp; Ba, 2019, "Lookahead Optimizer: k steps forward, 1 step back",
/// arXiv:1907.08610) around any optimizer, as the authors' PyTorch code (michaelrzhang/lookahead,
/// <c>lookahead_pytorch.py</c>) computes it.
/// </summary>
/// <remarks>
/// <para>The inner optimizer moves the fast weights θ every step; every k = la_steps steps the slow weights φ (state
/// "cached_params", θ at construction) move a fraction α = la_alpha toward them and the fast weights restart there:</para>
/// <code>
/// inner step;  counter ← counter + 1
/// if counter ≥ k:  counter ← 0;  for every parameter: θ ← αθ + (1−α)φ;  φ ← θ
///   "reset":    momentum_buffer ← 0
///   "pullback": momentum_buffer ← α·momentum_buffer + (1−α)·cached_mom;  cached_mom ← momentum_buffer
/// </code>
/// <para>Defaults: k = 5, α = 0.8, pullback_momentum "none". In the reference, "pullback" makes cached_mom <em>the
/// same tensor</em> as the buffer after the first synchronization, so that from then on it follows the buffer; Descent
/// reproduces that (state scalar "cached_mom_is_buffer"). State: "cached_params" and, with "pullback",
/// "cached_mom" per parameter; the inner optimizer's own state under "inner." (<see cref="IOptimizerWrapper"/>); the
/// counter in the state dict as "la_step". "reset" and "pullback" need an inner optimizer with momentum (SGD,
/// RMSprop); a parameter whose inner buffer does not exist yet is left alone there (the reference would fail).</para>
/// </remarks>
public sealed class Lookahead : OptimizerWrapper<LookaheadOptions>
{
    private long _laStep;

    /// <summary>Wraps <paramref name="inner"/>, whose parameters and groups it takes.</summary>
    public Lookahead(Optimizer inner, LookaheadOptions options) : base(inner, options, "inner")
    {
        if (options.PullbackMomentum != PullbackMomentum.None && inner.DefaultOptions is not IMomentumOptions)
            throw new ArgumentOutOfRangeException(nameof(options), options.PullbackMomentum,
                $"pullback_momentum '{options.PullbackMomentum.ToString().ToLowerInvariant()}' needs an inner optimizer with a momentum buffer (SGD, RMSprop), not {inner.GetType().Name}");
        inner.NonFinitePolicy = NonFinitePolicy.Propagate;   // the wrapper's own policy is applied before the inner step
        foreach (var p in AllParameters)
        {
            var state = StateOf(p.Name);
            p.Value.Span.CopyTo(state.Buffer("cached_params").Span);
            if (options.PullbackMomentum == PullbackMomentum.Pullback) state.Buffer("cached_mom");
        }
    }

    /// <summary>
    /// Builds Lookahead with <paramref name="options"/> (its table's keywords la_steps, la_alpha, pullback_momentum,
    /// already read from <paramref name="o"/>) around the inner optimizer of the keywords left: optimizer (the inner
    /// optimizer's catalog name, default "SGD") and options (the inner optimizer's options); any other option is the
    /// inner optimizer's too, so <c>--lr</c> reaches it.
    /// </summary>
    internal static Lookahead Create(IEnumerable<NamedParameter> parameters, TorchOptions o, LookaheadOptions options)
    {
        var inner = WrappedOptions.Create(parameters, o, "optimizer", "options", "SGD");
        try { return new Lookahead(inner, options); }
        catch (ArgumentOutOfRangeException e) when (e.ParamName == nameof(options))
        {
            throw new InvalidOptionException("pullback_momentum", o.ValueOf("pullback_momentum"), InvalidOptionException.ReasonOf(e));
        }
    }

    /// <inheritdoc/>
    protected override void ApplyUpdates()
    {
        ForwardLearningRates();
        Inner.Step();
        AfterInnerStep();
    }

    /// <inheritdoc/>
    public override Descent.Tensors.Tensor Step(Func<Descent.Tensors.Tensor> closure)
    {
        if (!Inner.RequiresClosure) return base.Step(closure);
        ForwardLearningRates();
        var loss = Inner.Step(closure);
        AfterInnerStep();
        CountStep();
        return loss;
    }

    /// <inheritdoc/>
    protected override string? StepWithoutClosureRefusal =>
        Inner.RequiresClosure ? $"the inner {Inner.GetType().Name} evaluates the loss several times per step: call Step(closure)" : null;

    /// <summary>Counts the inner step and, every la_steps of them, pulls every parameter back toward its slow weights.</summary>
    private void AfterInnerStep()
    {
        FollowAliasedBuffers();
        if (++_laStep < Defaults.LaSteps) return;
        _laStep = 0;
        foreach (var group in Groups)
        {
            var o = group.Options;
            float alpha = (float)o.LaAlpha, oneMinusAlpha = (float)(1.0 - o.LaAlpha);
            foreach (var p in group.Parameters)
            {
                var state = StateOf(p.Name);
                var param = p.Value.Span;
                var cached = state.Buffer("cached_params").Span;
                for (int i = 0; i < param.Length; i++)
                {
                    param[i] = MathF.FusedMultiplyAdd(oneMinusAlpha, cached[i], param[i] * alpha);   // p.mul_(la_alpha).add_(cached, alpha=1 - la_alpha)
                    cached[i] = param[i];                                                             // cached_params.copy_(p)
                }
                if (o.PullbackMomentum == PullbackMomentum.Reset)
                    Inner.StateOf(p.Name).Buffer("momentum_buffer").Span.Clear();                     // momentum_buffer = zeros_like(p)
                else if (o.PullbackMomentum == PullbackMomentum.Pullback && InnerBuffer(p.Name, "momentum_buffer") is { } buffer)
                    PullBack(buffer.Span, state, alpha, oneMinusAlpha);
            }
        }
    }

    /// <summary>
    /// buf.mul_(α).add_(1 − α, cached_mom), then cached_mom becomes the buffer itself: once it is, the product is
    /// added to itself, as in the reference.
    /// </summary>
    private static void PullBack(Span<float> buffer, ParameterState state, float alpha, float oneMinusAlpha)
    {
        bool aliased = state.Scalar("cached_mom_is_buffer", 0) != 0;
        var cachedMom = state.Buffer("cached_mom").Span;
        for (int i = 0; i < buffer.Length; i++)
        {
            float scaled = buffer[i] * alpha;
            buffer[i] = MathF.FusedMultiplyAdd(oneMinusAlpha, aliased ? scaled : cachedMom[i], scaled);
            cachedMom[i] = buffer[i];
        }
        state.SetScalar("cached_mom_is_buffer", 1);
    }

    /// <summary>After the inner step: an aliased cached_mom follows the buffer, as the reference's shared tensor does.</summary>
    private void FollowAliasedBuffers()
    {
        foreach (var p in AllParameters)
        {
            var state = StateOf(p.Name);
            if (state.Scalars.TryGetValue("cached_mom_is_buffer", out double aliased) && aliased != 0 && InnerBuffer(p.Name, "momentum_buffer") is { } buffer)
                buffer.Span.CopyTo(state.Buffer("cached_mom").Span);
        }
    }

    /// <inheritdoc/>
    protected override void SaveGlobalState(OptimizerStateDict dict)
    {
        base.SaveGlobalState(dict);
        dict.GlobalScalars["la_step"] = _laStep;
    }

    /// <inheritdoc/>
    protected override void ValidateOwnGlobalState(OptimizerStateDict own)
    {
        foreach (var key in own.GlobalScalars.Keys.Concat(own.GlobalBuffers.Keys))
            if (key != "la_step") throw new ArgumentException($"state dict has optimizer-wide entry '{key}', which Lookahead does not keep", nameof(own));
        if (own.GlobalScalars.TryGetValue("la_step", out double step) && (step < 0 || step != Math.Floor(step)))
            throw new ArgumentException($"state dict entry 'la_step' must be a count >= 0, not {step}", nameof(own));
    }

    /// <inheritdoc/>
    protected override void LoadOwnGlobalState(OptimizerStateDict own) => _laStep = (long)own.GlobalScalars.GetValueOrDefault("la_step");
}
