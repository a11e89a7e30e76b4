using Descent.Nn;
using Descent.Tensors;
using Descent.Optim.Kernels;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="ASGD"/>, with PyTorch's names and defaults.</summary>
public sealed class ASGDOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults (lr 1e-2).</summary>
    public ASGDOptions() => Lr = 1e-2;

    /// <summary>
    /// The decay term λ ≥ 0: θ is shrunk by 1 − λη each step, and η decays as lr / (1 + λ·lr·t)^α (default 1e-4).
    /// Stricter than torch 1.13, which accepts any value: a negative λ makes 1 + λ·lr·t negative after a few steps and
    /// the step size not a number (torch fails there with "math domain error"), so it is refused up front.
    /// </summary>
    [Hyper("lambd", "decay term: θ shrinks by 1 − λη each step and η decays as η₀ / (1 + λη₀t)^α (Descent is stricter than torch: >= 0)", Symbol = "λ", Must = Must.BeNonNegative)]
    public double Lambd { get; set => field = Checked(value); } = 1e-4;

    /// <summary>
    /// The power α ≥ 0 of the step-size decay (default 0.75). Stricter than torch 1.13, which accepts any value: a
    /// negative α makes the step size grow without bound, so it is refused.
    /// </summary>
    [Hyper("alpha", "power of the step-size decay (Descent is stricter than torch: >= 0)", Symbol = "α", Must = Must.BeNonNegative)]
    public double Alpha { get; set => field = Checked(value); } = 0.75;

    /// <summary>
    /// The step t₀ ≥ 0 after which averaging starts: the average weight is 1 / max(1, t − t₀) (default 1e6; +∞ never
    /// averages). Stricter than torch 1.13, which accepts any value: steps are counted from 1, so a negative t₀ is
    /// refused as a likely mistake.
    /// </summary>
    [Hyper("t0", "the step after which averaging starts: weight 1 / max(1, t − t₀) (a number >= 0; inf never averages)", Symbol = "t₀")]
    public double T0
    {
        get;
        set => field = double.IsNaN(value) || value < 0
            ? throw new ArgumentOutOfRangeException(nameof(T0), value, "t0 must be a number at least 0 (Descent is stricter than torch here)")
            : value;
    } = 1e6;

    /// <summary>L2 penalty added to the gradient, ≥ 0 (default 0).</summary>
    [Hyper("weight_decay", "L2 penalty wθ added to the gradient", Symbol = "w", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }
}

/// <summary>
/// Averaged stochastic gradient descent, as torch.optim.ASGD: SGD with a decaying step size and a running average
/// of the iterates ("ax"), which is the estimate the method returns.
/// </summary>
/// <remarks>
/// <para>For each parameter θ with gradient g at step t (from 1), with per-parameter step size η and averaging
/// weight μ (starting at η = lr, μ = 1), decay λ, power α, start t₀, weight decay w:</para>
/// <code>
/// g ← −g if maximize;  g ← g + wθ
/// θ ← θ·(1 − λη)
/// θ ← θ − ηg
/// ā ← ā + μ(θ − ā) if μ ≠ 1, else ā ← θ              ("ax")
/// η ← lr / (1 + λ·lr·t)^α                          ("eta")
/// μ ← 1 / max(1, t − t₀)                           ("mu")
/// </code>
/// <para>Defaults: lr = 1e-2, λ = 1e-4, α = 0.75, t₀ = 1e6, weight_decay = 0. λ, α and t₀ must be at least 0, where
/// torch 1.13 accepts any value (and fails or blows up during training). Polyak and Juditsky, "Acceleration
/// of Stochastic Approximation by Averaging", SIAM J. Control Optim. 1992; the schedule is Bottou's, "Stochastic
/// Gradient Descent Tricks", 2012. The optimizer updates θ; read the average from
/// <see cref="Optimizer.StateOf(string)"/>(name).Buffers["ax"].</para>
/// <para>η and μ are per-parameter scalars (<see cref="ParameterState.Scalars"/>, so they round-trip through
/// <see cref="Optimizer.StateDict"/>), stored as the float32 values torch keeps in its 0-d tensors; the new values
/// are computed in double from the float32 step count, as torch does in Python.</para>
/// </remarks>
public sealed class ASGD : Optimizer<ASGDOptions>
{
    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public ASGD(IEnumerable<Tensor> parameters, ASGDOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public ASGD(IEnumerable<NamedParameter> parameters, ASGDOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, ASGDOptions o, ParameterState state)
    {
        var ax = state.Buffer("ax");
        double eta = state.Scalar("eta", (float)o.Lr);
        double mu = state.Scalar("mu", 1.0);
        var rule = new ASGDRule((float)(1 - o.Lambd * eta), (float)-eta, (float)mu, mu != 1, (float)o.WeightDecay, o.Maximize);
        ElementwiseUpdate.Run(rule, param, grad, ax.Span);

        // torch keeps the step in a float32 tensor and reads it back as a Python float.
        double step = (float)state.Step;
        double newEta = o.Lr / Math.Pow(1 + o.Lambd * o.Lr * step, o.Alpha);
        if (!double.IsFinite(newEta))
            throw new InvalidOperationException($"ASGD: the step size lr / (1 + lambd·lr·t)^alpha is not a finite number at step {state.Step} (lr {o.Lr}, lambd {o.Lambd}, alpha {o.Alpha})");
        state.SetScalar("eta", (float)newEta);
        state.SetScalar("mu", (float)(1 / Math.Max(1, step - o.T0)));
    }
}
