using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Prodigy"/>, with the reference implementation's names and defaults.</summary>
public sealed class ProdigyOptions : BetaOptions
{
    /// <summary>The reference's defaults: lr 1 (a multiplier of the estimated step), betas (0.9, 0.999), beta3 √β₂, eps 1e-8, d0 1e-6.</summary>
    public ProdigyOptions() : base(0.9, 0.999) => Lr = 1;

    /// <summary>β₃ in [0, 1), the decay of the D estimate's sums; null (default) means √β₂.</summary>
    [Hyper("beta3", "decay of the D estimate's sums r and s (none: √β₂)", Symbol = "β₃", Must = Must.BeInUnitInterval)]
    public double? Beta3 { get; set => field = Checked(value); }

    /// <summary>ε &gt; 0, added to √v as d·ε (default 1e-8).</summary>
    [Hyper("eps", "added to √v as d·ε for numerical stability", Symbol = "ε", Must = Must.BePositive, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); } = 1e-8;

    /// <summary>The weight decay λ ≥ 0 (default 0), decoupled (AdamW-style) unless <see cref="Decouple"/> is false.</summary>
    [Hyper("weight_decay", "weight decay: θ ← θ(1 − λ·dlr), or λθ added to the gradient when not decoupled", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>Decoupled weight decay θ ← θ − λ·dlr·θ (default true); false adds λθ to the gradient.</summary>
    [Hyper("decouple", "decoupled (AdamW-style) weight decay instead of λθ added to the gradient")]
    public bool Decouple { get; set; } = true;

    /// <summary>Adam's bias correction √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) in the step size (default false).</summary>
    [Hyper("use_bias_correction", "Adam's bias correction √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) in the step size")]
    public bool UseBiasCorrection { get; set; }

    /// <summary>Leave η out of the s update, to avoid an unstable D estimate while η warms up (default false).</summary>
    [Hyper("safeguard_warmup", "leave η out of the s update, against an unstable D estimate while η warms up")]
    public bool SafeguardWarmup { get; set; }

    /// <summary>The initial estimate d₀ &gt; 0 of the distance to the solution (default 1e-6).</summary>
    [Hyper("d0", "initial estimate of the distance to the solution", Symbol = "d₀", Must = Must.BePositive)]
    public double D0 { get; set => field = Checked(value); } = 1e-6;

    /// <summary>The factor of the D estimate, &gt; 0 (default 1; 0.5 and 2 are typical): the preferred knob to tune.</summary>
    [Hyper("d_coef", "factor of the D estimate (0.5 and 2 are typical): the knob to tune", Must = Must.BePositive, Noun = "d_coef")]
    public double DCoef { get; set => field = Checked(value); } = 1;

    /// <summary>The largest factor by which d may grow in a step, ≥ 1 (default ∞).</summary>
    [Hyper("growth_rate", "the largest factor by which d may grow in a step (a number >= 1; inf for no limit)")]
    public double GrowthRate
    {
        get;
        set => field = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(GrowthRate), value, "growth_rate must be >= 1 (inf for none)");
    } = double.PositiveInfinity;

    /// <summary>Compute the D statistics on every p-th element only (default 1: all), ≥ 1.</summary>
    [Hyper("slice_p", "compute the D statistics on every p-th element only", Symbol = "p", Must = Must.BeAtLeastOne, Noun = "slice_p")]
    public int SliceP { get; set => field = Checked(value); } = 1;
}

/// <summary>
/// Prodigy (Mishchenko &amp; Defazio, 2024, "Prodigy: An Expeditiously Adaptive Parameter-Free Learner",
/// arXiv:2306.06101), a learning-rate-free Adam of the D-adaptation family, as the reference implementation
/// (konstmish/prodigy, prodigyopt/prodigy.py) computes it.
/// </summary>
/// <remarks>
/// <para>The optimizer keeps an estimate d of the distance ‖θ₀ − θ*‖ and uses dlr = d·η·bc as Adam's step size
/// (bc = √(1 − β₂ᵏ⁺¹)/(1 − β₁ᵏ⁺¹) with bias correction, else 1). Each step, over all parameters:</para>
/// <code>
/// r ← β₃r + (d/d₀)·dlr·⟨g, θ₀ − θ⟩             (d_numerator)
/// m ← β₁m + d(1 − β₁)g;   v ← β₂v + d²(1 − β₂)g²
/// s ← β₃s + (d/d₀)·dlr·g                         (dlr → d with safeguard_warmup)
/// d̂ = d_coef · r / Σ‖s‖₁;   d ← min(max(d, d̂), d·growth_rate)     (d never decreases)
/// θ ← θ(1 − λ·dlr);   θ ← θ − dlr·m/(√v + d·ε)   (with β₁ = 0: θ − dlr·d·g/(√v + d·ε))
/// </code>
/// <para>Defaults: η = 1 (leave it so; it scales the estimate), β = (0.9, 0.999), β₃ = √β₂, ε = 1e-8, λ = 0,
/// d₀ = 1e-6, d_coef = 1, growth_rate = ∞, slice_p = 1. Per-parameter state: "s", "p0" (θ₀; both every slice_p-th
/// element of the flattened parameter), "exp_avg" (when β₁ &gt; 0), "exp_avg_sq". Shared state, as the reference
/// keeps it in every parameter group (<see cref="ParamGroup.Scalars"/>): "d", "d_max", "d_numerator", "d_denom",
/// "d_hat", "k". Groups may differ in lr only by having lr 0 (frozen), as in the reference. While Σ‖s‖₁ is 0 (no
/// gradient yet) a step changes only the moments.</para>
/// </remarks>
public sealed class Prodigy : Optimizer<ProdigyOptions>
{
    private float[] _scratch = [], _decayed = [];

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Prodigy(IEnumerable<NamedParameter> parameters, ProdigyOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...).</summary>
    public Prodigy(IEnumerable<Tensor> parameters, ProdigyOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <inheritdoc/>
    protected override Shape BufferShape(Shape parameterShape, string buffer) =>
        buffer is "s" or "p0" ? new Shape(Sliced(parameterShape.Size, Defaults.SliceP)) : parameterShape;

    private static int Sliced(int length, int sliceP) => (length + sliceP - 1) / sliceP;

    /// <inheritdoc/>
    protected override void ApplyUpdates()
    {
        var groups = Groups.ToList();
        var first = groups[0].Options;
        var shared = groups[0].Scalars;
        double d0 = first.D0, d = Get("d", d0), dMax = Get("d_max", d0), k = Get("k", 0);
        double lr = groups.Max(g => g.Options.Lr);
        foreach (var g in groups)
            if (g.Options.Lr != lr && g.Options.Lr != 0)
                throw new InvalidOperationException($"Prodigy: every parameter group must have the same lr ({lr}) or lr 0 (got {g.Options.Lr})");
        var (beta1, beta2) = first.Betas;
        double beta3 = first.Beta3 ?? Math.Sqrt(beta2);
        double bc = first.UseBiasCorrection ? Math.Sqrt(1 - Math.Pow(beta2, k + 1)) / (1 - Math.Pow(beta1, k + 1)) : 1;
        double dlr = d * lr * bc;
        double delta = 0, denominator = 0;   // this step's share of d_numerator (delta_numerator), summed from 0

        foreach (var group in groups)
        {
            var o = group.Options;
            if (o.Lr <= 0) continue;
            foreach (var p in group.Parameters)
            {
                if (p.Value.Grad is not { } gradTensor) continue;
                var state = StateFor(p.Name);
                var param = p.Value.Span;
                var grad = Gradient(param, gradTensor.Span, o);
                int sliced = Sliced(param.Length, o.SliceP);
                var s = state.Buffer("s", [sliced]).Span;
                if (!state.Has("p0"))
                {
                    var p0Init = state.Buffer("p0", [sliced]).Span;
                    for (int i = 0; i < sliced; i++) p0Init[i] = param[i * o.SliceP];   // p.flatten()[::slice_p].clone()
                }
                var p0 = state.Buffer("p0").Span;
                // delta_numerator += (d / d0) * dlr * dot(g_s, p0 - p_s).item(): a float32 dot product, read in double.
                float dot;
                if (o.SliceP == 1)
                    dot = TorchArithmetic.DotOfDifference(grad, p0, param);
                else
                {
                    var gs = Scratch(2 * sliced)[..sliced];
                    var diff = Scratch(2 * sliced)[sliced..];
                    for (int i = 0; i < sliced; i++) { gs[i] = grad[i * o.SliceP]; diff[i] = p0[i] - param[i * o.SliceP]; }
                    dot = TorchArithmetic.Dot(gs, diff);
                }
                delta += d / d0 * dlr * dot;
                var m = beta1 > 0 ? state.Buffer("exp_avg").Span : [];
                var v = state.Buffer("exp_avg_sq").Span;
                float fb3 = (float)beta3, sAlpha = (float)(d / d0 * (o.SafeguardWarmup ? d : dlr));
                // s.mul_(beta3).add_(g_s, alpha=...) goes with the moments when s holds every element
                var rule = new ProdigyMomentsRule(beta1 > 0, (float)beta1, (float)(d * (1 - beta1)), (float)beta2, (float)(d * d * (1 - beta2)),
                    UpdatesS: o.SliceP == 1, fb3, sAlpha);
                ElementwiseUpdate.Run(rule, param, grad, m, v, s);
                if (o.SliceP != 1)
                    for (int i = 0; i < sliced; i++)
                        s[i] = MathF.FusedMultiplyAdd(sAlpha, grad[i * o.SliceP], s[i] * fb3);            // s.mul_(beta3).add_(g_s, alpha=...)
                denominator += TorchArithmetic.SumOfAbsolutes(s);                                          // d_denom += s.abs().sum().item()
            }
        }
        double numerator = Get("d_numerator", 0) * beta3 + delta;                                          // d_numerator * beta3 + delta_numerator
        if (denominator == 0) return;                                                                      // no progress yet: nothing moves

        double dHat = first.DCoef * numerator / denominator;
        if (d == d0) d = Math.Max(d, dHat);
        dMax = Math.Max(dMax, dHat);
        d = Math.Min(dMax, d * first.GrowthRate);
        foreach (var group in groups)
        {
            var o = group.Options;
            foreach (var (name, value) in new[] { ("d", d), ("d_max", dMax), ("d_numerator", numerator), ("d_denom", denominator), ("d_hat", dHat), ("k", k + 1) })
                group.SetScalar(name, value);
            foreach (var p in group.Parameters)
            {
                if (p.Value.Grad is not { } gradTensor) continue;
                var state = StateFor(p.Name);
                state.Step++;
                var v = state.Buffer("exp_avg_sq").Span;
                var m = beta1 > 0 ? state.Buffer("exp_avg").Span : [];
                var rule = new ProdigyStepRule(beta1 > 0, DEps: (float)(d * o.Eps),
                    DecoupledDecay: o.WeightDecay != 0 && o.Decouple, NegDecay: (float)(-o.WeightDecay * dlr),
                    CoupledDecay: o.WeightDecay != 0 && !o.Decouple, WeightDecay: (float)o.WeightDecay,
                    Value: (float)(beta1 > 0 ? -dlr : -dlr * d));
                ElementwiseUpdate.Run(rule, p.Value.Span, gradTensor.Span, m, v);
            }
        }

        double Get(string name, double fallback) => shared.TryGetValue(name, out double x) ? x : fallback;
    }

    /// <summary>The gradient with the coupled weight decay added (grad.add_(p, alpha=decay)), or the gradient itself.</summary>
    private ReadOnlySpan<float> Gradient(Span<float> param, ReadOnlySpan<float> grad, ProdigyOptions o)
    {
        if (o.WeightDecay == 0 || o.Decouple) return grad;
        var g = (_decayed.Length >= grad.Length ? _decayed : _decayed = new float[grad.Length]).AsSpan(0, grad.Length);
        ElementwiseUpdate.Run(new DecayedGradientRule((float)o.WeightDecay), param, grad, g);
        return g;
    }

    private Span<float> Scratch(int length) => (_scratch.Length >= length ? _scratch : _scratch = new float[length]).AsSpan(0, length);
}
