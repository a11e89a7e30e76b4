using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Hyper-parameters of <see cref="Sgd"/>, with PyTorch's names and defaults. As in torch, lr has no default when
/// built from keywords; <c>new SgdOptions()</c> starts at lr 0, so set it.
/// </summary>
[Keywords(Required = ["lr"])]
public sealed class SgdOptions : OptimizerOptions, IMomentumOptions
{
    /// <summary>The momentum factor μ, ≥ 0 (default 0: plain SGD).</summary>
    [Hyper("momentum", "momentum factor: the weight of the previous update in the next", Symbol = "μ", Must = Must.BeNonNegative)]
    public double Momentum { get; set => field = Checked(value); }

    /// <summary>Dampening τ of the gradient in the momentum buffer, ≥ 0 (default 0).</summary>
    [Hyper("dampening", "dampening of the gradient added to the momentum buffer", Symbol = "τ", Must = Must.BeNonNegative)]
    public double Dampening { get; set => field = Checked(value); }

    /// <summary>L2 penalty λ added to the gradient, ≥ 0 (default 0).</summary>
    [Hyper("weight_decay", "L2 penalty λθ added to the gradient", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>Nesterov momentum in PyTorch's form; needs momentum &gt; 0 and dampening 0.</summary>
    [Hyper("nesterov", "Nesterov momentum in PyTorch's form (needs momentum > 0, dampening 0)")]
    public bool Nesterov { get; set; }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }

    /// <summary>Which textbook form the momentum buffer follows (default <see cref="MomentumForm.PyTorch"/>).</summary>
    [Hyper("form", "the momentum buffer's textbook form: pytorch (v ← μv + g), sutskever (v ← μv − ηg), ema (v ← μv + (1 − μ)g)", Extension = true)]
    public MomentumForm Form { get; set; }

    /// <summary>
    /// Nesterov momentum in the look-ahead form of seeds 001 and 003: the gradient is evaluated at θ + μv, through
    /// the closure of <see cref="Optimizer.Step(Func{Tensors.Tensor})"/>, then v ← μv − ηg, θ ← θ + v. Needs
    /// <see cref="MomentumForm.Sutskever"/>, momentum &gt; 0 and no dampening. The PyTorch-form parameters φ of
    /// <see cref="Nesterov"/> are φ = θ + μv of this form.
    /// </summary>
    [Hyper("look_ahead", "evaluate the gradient at θ + μv, Nesterov's look-ahead (needs form sutskever and Step(closure))", Extension = true)]
    public bool LookAhead { get; set; }

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException($"Nesterov momentum requires a momentum > 0 and zero dampening (momentum {Momentum}, dampening {Dampening})", nameof(Nesterov));
        if (Form == MomentumForm.Ema && Momentum >= 1)
            throw new ArgumentOutOfRangeException(nameof(Momentum), Momentum, "the moving-average momentum form needs a momentum in [0, 1)");
        if (Form != MomentumForm.PyTorch && (Nesterov || Dampening != 0))
            throw new ArgumentException($"nesterov and dampening belong to the PyTorch momentum form, not {Form}", nameof(Form));
        if (LookAhead && (Form != MomentumForm.Sutskever || Momentum <= 0))
            throw new ArgumentException("the look-ahead Nesterov form needs the Sutskever momentum form and a momentum > 0", nameof(LookAhead));
    }
}

/// <summary>
/// Stochastic gradient descent with optional momentum, as torch.optim.SGD.
/// </summary>
/// <remarks>
/// <para>For each parameter θ with gradient g, learning rate η, momentum μ, dampening τ, weight decay λ:</para>
/// <code>
/// g ← −g if maximize;  g ← g + λθ
/// b ← g on the first step, else b ← μb + (1−τ)g      (when μ ≠ 0)
/// g ← g + μb if nesterov, else g ← b                  (when μ ≠ 0)
/// θ ← θ − ηg
/// </code>
/// <para>Defaults: lr required, μ = 0, τ = 0, λ = 0. This is the heavy-ball form v = μv + g, θ −= ηv of
/// Polyak (1964) as written in PyTorch; the buffer is named "momentum_buffer".</para>
/// <para>The textbook forms of the lecture notes are options: <see cref="SgdOptions.Form"/> chooses
/// v ← αv − ρg, θ ← θ + v (Sutskever) or v ← βv + (1−β)g (moving average), and <see cref="SgdOptions.LookAhead"/>
/// evaluates the gradient at θ + μv (Nesterov's look-ahead) through <see cref="Optimizer.Step(Func{Tensor})"/>.
/// Each form keeps its own velocity in "momentum_buffer".</para>
/// </remarks>
public sealed class Sgd : Optimizer<SgdOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Sgd(IEnumerable<Tensor> parameters, SgdOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Sgd(IEnumerable<NamedParameter> parameters, SgdOptions options) : base(parameters, options) { }

    /// <summary>
    /// With <see cref="SgdOptions.LookAhead"/>: moves every parameter to θ + μv, evaluates the closure there (the
    /// gradient of the look-ahead point), moves back and updates. Otherwise as the base class.
    /// </summary>
    public override Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        if (!Groups.Any(g => g.Options.LookAhead)) return base.Step(closure);
        ShiftByVelocity(+1);
        Tensor loss;
        try { loss = closure(); }
        finally { ShiftByVelocity(-1); }
        Step();
        return loss;
    }

    private void ShiftByVelocity(float sign)
    {
        foreach (var group in Groups)
        {
            if (!group.Options.LookAhead) continue;
            float mu = sign * (float)group.Options.Momentum;
            foreach (var p in group.Parameters)
                if (StateOf(p.Name).Buffers.TryGetValue("momentum_buffer", out var v))
                    Tensors.Kernels.Elementwise.AddScaled(p.Value.Span, v.Span, mu, p.Value.Span);
        }
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, SgdOptions o, ParameterState state)
    {
        if (o.Form != MomentumForm.PyTorch && o.Momentum != 0)
        {
            TextbookStep(param, grad, o, state.Buffer("momentum_buffer").Span);
            return;
        }
        if (o.Momentum == 0)
        {
            SgdRule.From(o.Lr, 0, o.Dampening, o.WeightDecay, o.Nesterov, o.Maximize, firstStep: false).Run(param, grad, []);
            return;
        }
        bool first = !state.Has("momentum_buffer");
        var rule = SgdRule.From(o.Lr, o.Momentum, o.Dampening, o.WeightDecay, o.Nesterov, o.Maximize, first);
        rule.Run(param, grad, state.Buffer("momentum_buffer").Span);
    }

    /// <summary>The Sutskever and moving-average forms; the buffer starts at zero.</summary>
    private static void TextbookStep(Span<float> param, ReadOnlySpan<float> grad, SgdOptions o, Span<float> v)
    {
        float lr = (float)o.Lr, mu = (float)o.Momentum, wd = (float)o.WeightDecay;
        for (int i = 0; i < param.Length; i++)
        {
            float g = o.Maximize ? -grad[i] : grad[i];
            if (wd != 0) g += wd * param[i];
            if (o.Form == MomentumForm.Sutskever)
            {
                v[i] = mu * v[i] - lr * g;
                param[i] += v[i];
            }
            else
            {
                v[i] = mu * v[i] + (1f - mu) * g;
                param[i] -= lr * v[i];
            }
        }
    }
}
