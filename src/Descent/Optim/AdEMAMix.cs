using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="AdEMAMix"/>, with the reference implementation's names and defaults.</summary>
public sealed class AdEMAMixOptions : OptimizerOptions, IBetaOptions
{
    private double[] _betas = [0.9, 0.999, 0.9999];

    /// <summary>The reference's defaults: lr 1e-3, betas (0.9, 0.999, 0.9999), alpha 2, no warmups, eps 1e-8, weight decay 0.</summary>
    public AdEMAMixOptions() => Lr = 1e-3;

    /// <summary>
    /// The three betas (β₁, β₂, β₃), as the reference's <c>betas</c>, each in [0, 1) (default (0.9, 0.999, 0.9999)); a
    /// copy, so set the whole array (or <see cref="Beta1"/>, <see cref="Beta2"/>, <see cref="Beta3"/>) to change them.
    /// All three are checked before any is changed.
    /// </summary>
    [Hyper("betas", "decay rates: β₁ of the fast momentum, β₂ of the second moment, β₃ of the slow momentum", Symbol = "β₁, β₂, β₃", Must = Must.BeInUnitInterval, Noun = "beta parameter")]
    public double[] Betas
    {
        get => [.. _betas];
        set => _betas = value is { Length: 3 } ? [.. Checked(value)]
            : throw new ArgumentException("betas must be 3 numbers (β₁, β₂, β₃)", nameof(Betas));
    }

    /// <summary>β₁ in [0, 1), the decay of the fast momentum (betas[0], default 0.9).</summary>
    public double Beta1 { get => _betas[0]; set => Betas = [value, _betas[1], _betas[2]]; }

    /// <summary>β₂ in [0, 1), the decay of the second moment (betas[1], default 0.999).</summary>
    public double Beta2 { get => _betas[1]; set => Betas = [_betas[0], value, _betas[2]]; }

    /// <summary>β₃ in [0, 1), the decay of the slow momentum (torch's betas[2], default 0.9999: a half-life of ~6930 steps).</summary>
    public double Beta3 { get => _betas[2]; set => Betas = [_betas[0], _betas[1], value]; }

    /// <summary>The weight α ≥ 0 of the slow momentum in the update (default 2).</summary>
    [Hyper("alpha", "weight of the slow momentum in the update", Symbol = "α", Must = Must.BeNonNegative)]
    public double Alpha { get; set => field = Checked(value); } = 2;

    /// <summary>Steps over which β₃ rises from β₁ to its value, linearly in half-life (default null: none).</summary>
    [Hyper("beta3_warmup", "steps over which β₃ rises from β₁, linearly in half-life (none: no warmup)", Symbol = "T", Must = Must.BeAtLeastOne, Noun = "beta3_warmup")]
    public int? Beta3Warmup { get; set => field = Checked(value); }

    /// <summary>Steps over which α rises linearly from 0 (default null: none).</summary>
    [Hyper("alpha_warmup", "steps over which α rises linearly from 0 (none: no warmup)", Must = Must.BeAtLeastOne, Noun = "alpha_warmup")]
    public int? AlphaWarmup { get; set => field = Checked(value); }

    /// <summary>ε ≥ 0 (default 1e-8), added to the bias-corrected √v.</summary>
    [Hyper("eps", "added to the bias-corrected √v for numerical stability", Symbol = "ε", Must = Must.BeNonNegative, Noun = "epsilon")]
    public double Eps { get; set => field = Checked(value); } = 1e-8;

    /// <summary>The decoupled weight decay λ ≥ 0 (default 0), added to the update as λθ (scaled by the lr).</summary>
    [Hyper("weight_decay", "decoupled weight decay: λθ added to the update (scaled by η)", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }
}

/// <summary>
/// AdEMAMix (Pagliardini, Ablin &amp; Grangier, 2024, "The AdEMAMix Optimizer: Better, Faster, Older",
/// arXiv:2409.03463): Adam with a second, slow momentum mixed in, as the reference implementation
/// (apple/ml-ademamix, pytorch/ademamix.py) computes it.
/// </summary>
/// <remarks>
/// <para>For each parameter θ with gradient g at its n-th update, learning rate η:</para>
/// <code>
/// m₁ ← β₁m₁ + (1 − β₁)g          (fast, exp_avg_fast; m₁ = g when β₁ = 0)
/// m₂ ← β₃ₙm₂ + (1 − β₃ₙ)g        (slow, exp_avg_slow)
/// v  ← β₂v + (1 − β₂)g²
/// u  = (m₁/(1 − β₁ⁿ) + αₙm₂) / (√v/√(1 − β₂ⁿ) + ε) + λθ
/// θ ← θ − ηu
/// </code>
/// <para>αₙ = α·n/alpha_warmup during the warmup, and β₃ₙ = f⁻¹((1 − n/T)f(β₁) + (n/T)f(β₃)) during beta3_warmup T,
/// with f(β) = ln 0.5/ln(β + 1e-8) − 1 (a half-life) and f⁻¹(t) = 0.5^(1/(t+1)). The slow momentum is not bias
/// corrected: it averages gradients over thousands of steps, so old gradients keep steering the update, which the
/// paper finds lets models forget more slowly. Defaults: η = 1e-3, β = (0.9, 0.999, 0.9999), α = 2, ε = 1e-8,
/// λ = 0. State: "exp_avg_fast" (absent when β₁ = 0), "exp_avg_slow", "exp_avg_sq".</para>
/// </remarks>
public sealed class AdEMAMix : Optimizer<AdEMAMixOptions>
{
    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public AdEMAMix(IEnumerable<NamedParameter> parameters, AdEMAMixOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...).</summary>
    public AdEMAMix(IEnumerable<Tensor> parameters, AdEMAMixOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>α at update <paramref name="n"/>: the reference's linear warmup from 0.</summary>
    public static double AlphaAt(AdEMAMixOptions o, long n) =>
        o.AlphaWarmup is { } w && n < w ? (1.0 - n / (double)w) * 0.0 + n / (double)w * o.Alpha : o.Alpha;   // (1 - a) * alpha_start + a * alpha_end

    /// <summary>β₃ at update <paramref name="n"/>: the reference's warmup, linear in half-life from β₁.</summary>
    public static double Beta3At(AdEMAMixOptions o, long n)
    {
        if (o.Beta3Warmup is not { } w || n >= w) return o.Beta3;
        double a = n / (double)w;
        static double F(double beta) => Math.Log(0.5) / Math.Log(beta + 1e-8) - 1;
        return Math.Pow(0.5, 1 / ((1.0 - a) * F(o.Beta1) + a * F(o.Beta3) + 1));
    }

    /// <inheritdoc/>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, AdEMAMixOptions o, ParameterState state)
    {
        long n = state.Step;
        bool fast = o.Beta1 != 0;
        var m1 = fast ? state.Buffer("exp_avg_fast").Span : [];
        var m2 = state.Buffer("exp_avg_slow").Span;
        var v = state.Buffer("exp_avg_sq").Span;
        double beta3 = Beta3At(o, n);
        var rule = new AdEMAMixRule((float)o.Beta1, (float)(1 - o.Beta1), (float)o.Beta2, (float)(1 - o.Beta2),
            (float)beta3, (float)(1 - beta3), (float)(1 - Math.Pow(o.Beta1, n)), (float)Math.Sqrt(1 - Math.Pow(o.Beta2, n)),
            (float)AlphaAt(o, n), (float)o.Eps, (float)o.WeightDecay, (float)-o.Lr, fast);
        ElementwiseUpdate.Run(rule, param, grad, m1, m2, v);
    }
}
