using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Sgd"/>, with PyTorch's names and defaults.</summary>
public sealed class SgdOptions : OptimizerOptions, IMomentumOptions
{
    private double _momentum, _dampening, _weightDecay;

    /// <summary>The momentum factor μ, ≥ 0 (default 0: plain SGD).</summary>
    public double Momentum { get => _momentum; set => _momentum = Check.NonNegative(value, nameof(Momentum), "momentum"); }

    /// <summary>Dampening τ of the gradient in the momentum buffer, ≥ 0 (default 0).</summary>
    public double Dampening { get => _dampening; set => _dampening = Check.NonNegative(value, nameof(Dampening), "dampening"); }

    /// <summary>L2 penalty λ added to the gradient, ≥ 0 (default 0).</summary>
    public double WeightDecay { get => _weightDecay; set => _weightDecay = Check.NonNegative(value, nameof(WeightDecay), "weight decay"); }

    /// <summary>Nesterov momentum in PyTorch's form; needs momentum &gt; 0 and dampening 0.</summary>
    public bool Nesterov { get; set; }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    public bool Maximize { get; set; }

    /// <summary>Which textbook form the momentum buffer follows (default <see cref="MomentumForm.PyTorch"/>).</summary>
    public MomentumForm Form { get; set; }

    /// <summary>
    /// Nesterov momentum in the look-ahead form of seeds 001 and 003: the gradient is evaluated at θ + μv, through
    /// the closure of <see cref="Optimizer.Step(Func{Tensors.Tensor})"/>, then v ← μv − ηg, θ ← θ + v. Needs
    /// <see cref="MomentumForm.Sutskever"/>, momentum &gt; 0 and no dampening. The PyTorch-form parameters φ of
    /// <see cref="Nesterov"/> are φ = θ + μv of this form.
    /// </summary>
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
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public Sgd(IEnumerable<Tensor> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(NamedParameter.ByPosition(parameters), lr, momentum, dampening, weightDecay, nesterov, maximize) { }

    /// <summary>Creates the optimizer with the common options.</summary>
    public Sgd(IEnumerable<NamedParameter> parameters, double lr, double momentum = 0, double dampening = 0,
        double weightDecay = 0, bool nesterov = false, bool maximize = false)
        : this(parameters, new SgdOptions { Lr = lr, Momentum = momentum, Dampening = dampening, WeightDecay = weightDecay, Nesterov = nesterov, Maximize = maximize }) { }

    /// <summary>Builds the optimizer from torch.optim.SGD keyword options (lr, momentum, dampening, weight_decay, nesterov, maximize).</summary>
    public static Sgd FromTorch(IEnumerable<NamedParameter> parameters, TorchOptions o) => new(parameters, new SgdOptions
    {
        Lr = o.RequiredNumber("lr"),
        Momentum = o.Number("momentum", 0),
        Dampening = o.Number("dampening", 0),
        WeightDecay = o.Number("weight_decay", 0),
        Nesterov = o.Flag("nesterov", false),
        Maximize = o.Flag("maximize", false),
    });

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
