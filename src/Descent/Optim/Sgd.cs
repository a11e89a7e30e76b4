using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Sgd"/>, with PyTorch's names and defaults.</summary>
public sealed class SgdOptions : OptimizerOptions
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

    /// <inheritdoc/>
    public override void Validate()
    {
        if (Nesterov && (Momentum <= 0 || Dampening != 0))
            throw new ArgumentException($"Nesterov momentum requires a momentum > 0 and zero dampening (momentum {Momentum}, dampening {Dampening})", nameof(Nesterov));
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
/// </remarks>
public sealed class Sgd : Optimizer<SgdOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Sgd(IEnumerable<NamedParameter> parameters, SgdOptions options) : base(parameters, options) { }

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

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, SgdOptions o, ParameterState state)
    {
        var hyper = new SgdKernel.Hyper((float)o.Lr, (float)o.Momentum, (float)o.Dampening, (float)o.WeightDecay, o.Nesterov, o.Maximize);
        if (o.Momentum == 0)
        {
            SgdKernel.Step(param, grad, [], hyper, firstStep: false);
            return;
        }
        bool first = !state.Has("momentum_buffer");
        SgdKernel.Step(param, grad, state.Buffer("momentum_buffer").Span, hyper, first);
    }
}
