using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>The precision of Muon's Newton–Schulz iteration (the reference's <c>ns_dtype</c>).</summary>
public enum NewtonSchulzPrecision
{
    /// <summary>float32 throughout: the official file with <c>X = G.bfloat16()</c> read as <c>X = G.float()</c>.</summary>
    Float32,

    /// <summary>bfloat16 as the official code (a GPU speed choice): every intermediate rounded to 8 significant bits.</summary>
    BFloat16,
}

/// <summary>Hyper-parameters of <see cref="Muon"/>, with the reference's names and defaults, and of its auxiliary AdamW.</summary>
public sealed class MuonOptions : OptimizerOptions
{
    /// <summary>Muon's defaults: lr 0.02 (in units of spectral norm per update), momentum 0.95, weight decay 0, Nesterov.</summary>
    public MuonOptions() => Lr = 0.02;

    /// <summary>The momentum β in [0, 1) (default 0.95): buf ← lerp(buf, g, 1 − β).</summary>
    [Hyper("momentum", "momentum of the buffer B ← lerp(B, G, 1 − β)", Symbol = "β", Must = Must.BeInUnitInterval)]
    public double Momentum { get; set => field = Checked(value); } = 0.95;

    /// <summary>The decoupled weight decay λ ≥ 0 (default 0): θ ← θ(1 − ηλ) before the update.</summary>
    [Hyper("weight_decay", "decoupled weight decay: θ ← θ(1 − ηλ) before the update", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>Orthogonalize lerp(g, buf, β) instead of buf (default true, as <c>SingleDeviceMuon</c> always does).</summary>
    [Hyper("nesterov", "orthogonalize lerp(G, B, β) instead of the buffer B")]
    public bool Nesterov { get; set; } = true;

    /// <summary>Newton–Schulz iterations, 1 to 100 (default 5).</summary>
    [Hyper("ns_steps", "Newton–Schulz iterations (an integer in [1, 100])")]
    public int NsSteps
    {
        get;
        set => field = value is >= 1 and <= 100 ? value
            : throw new ArgumentOutOfRangeException(nameof(NsSteps), value, "the number of Newton-Schulz steps must be in [1, 100]");
    } = 5;

    /// <summary>The precision of the Newton–Schulz iteration (default float32; see <see cref="NewtonSchulzPrecision"/>).</summary>
    [Hyper("ns_dtype", "precision of the Newton–Schulz iteration: float32 or bfloat16 (the official code's, a GPU speed choice)")]
    public NewtonSchulzPrecision NsDtype { get; set; }

    /// <summary>
    /// Whether this group's parameters take the Muon update (the reference's per-group <c>use_muon</c>); null
    /// (default) decides per parameter: Muon for rank ≥ 2, the auxiliary AdamW for scalars, vectors and biases.
    /// </summary>
    [Hyper("use_muon", "whether the parameters take the Muon update (none: Muon for rank >= 2, the auxiliary AdamW below)")]
    public bool? UseMuon { get; set; }

    /// <summary>The auxiliary AdamW's learning rate (default 3e-4, the reference's for non-Muon groups); schedules do not change it.</summary>
    [Hyper("adam_lr", "the auxiliary AdamW's learning rate (schedules do not change it)", Symbol = "η_a", Must = Must.BeNonNegative, Noun = "auxiliary Adam learning rate")]
    public double AdamLr { get; set => field = Checked(value); } = 3e-4;

    /// <summary>The auxiliary AdamW's betas, each in [0, 1) (default (0.9, 0.95)).</summary>
    [Hyper("adam_betas", "the auxiliary AdamW's decay rates of the first and second moments", Symbol = "β₁, β₂", Must = Must.BeInUnitInterval, Noun = "auxiliary Adam beta")]
    public (double Beta1, double Beta2) AdamBetas { get; set => field = Checked(value); } = (0.9, 0.95);

    /// <summary>The auxiliary AdamW's ε ≥ 0 (default 1e-10).</summary>
    [Hyper("adam_eps", "the auxiliary AdamW's ε, added to the denominator", Symbol = "ε", Must = Must.BeNonNegative, Noun = "auxiliary Adam epsilon")]
    public double AdamEps { get; set => field = Checked(value); } = 1e-10;

    /// <summary>The auxiliary AdamW's decoupled weight decay ≥ 0 (default 0).</summary>
    [Hyper("adam_weight_decay", "the auxiliary AdamW's decoupled weight decay", Symbol = "λ_a", Must = Must.BeNonNegative, Noun = "auxiliary Adam weight decay")]
    public double AdamWeightDecay { get; set => field = Checked(value); }
}

/// <summary>
/// Muon, "MomentUm Orthogonalized by Newton–Schulz" (Jordan et al., 2024, kellerjordan.github.io/posts/muon), as
/// the reference <c>SingleDeviceMuonWithAuxAdam</c> (KellerJordan/Muon, muon.py) pairs it with AdamW.
/// </summary>
/// <remarks>
/// <para>For a weight matrix W (rank ≥ 2) with gradient G, learning rate η, momentum β, weight decay λ:</para>
/// <code>
/// B ← lerp(B, G, 1 − β)                     (momentum_buffer)
/// U ← lerp(G, B, β) if nesterov, else B
/// X ← U/(‖U‖_F + 1e-7), transposed if rows &gt; cols
/// 5 times: A ← XXᵀ;  X ← aX + (bA + cA²)X     (a, b, c) = (3.4445, −4.7750, 2.0315)
/// W ← W(1 − ηλ) − η·√max(1, rows/cols)·X
/// </code>
/// <para>The quintic iteration pushes every singular value of U towards ~1 (to roughly [0.7, 1.2]), so the update
/// is close to the orthogonal factor UVᵀ of U's SVD: every direction of the matrix moves by about η in spectral
/// norm, however unevenly the gradient spreads. A rank-4 convolution weight is viewed as [out, in·kh·kw]; other
/// ranks above 2 are orthogonalized matrix by matrix over the last two dimensions. The matrix products run on
/// <see cref="Gemm"/>, whose per-element order (a fused multiply-add chain over k ascending) is the reference's.</para>
/// <para>Parameters of rank &lt; 2 (biases, gains) are not matrices: as in the reference's
/// <c>SingleDeviceMuonWithAuxAdam</c>, they take AdamW — m ← lerp(m, g, 1 − β₁), v ← lerp(v, g², 1 − β₂),
/// θ ← θ(1 − η_a λ_a) − η_a·(m/(1 − β₁ᵗ))/(√(v/(1 − β₂ᵗ)) + ε) — with its own options adam_lr (3e-4),
/// adam_betas (0.9, 0.95), adam_eps (1e-10), adam_weight_decay (0). Which rule a parameter takes is decided by rank
/// unless a group sets <see cref="MuonOptions.UseMuon"/> (the reference advises AdamW also for embeddings and the
/// output layer: put them in a group with UseMuon = false). As in the reference, a parameter without a gradient is
/// still stepped with a zero gradient.</para>
/// <para>Defaults: η = 0.02, β = 0.95, λ = 0, Nesterov, 5 steps, float32. The official code runs the iteration in
/// bfloat16 for GPU speed; <see cref="NewtonSchulzPrecision.BFloat16"/> reproduces that rounding (see
/// <see cref="NewtonSchulz"/>). State: "momentum_buffer" (Muon), "exp_avg" and "exp_avg_sq" (AdamW).</para>
/// </remarks>
public sealed class Muon : Optimizer<MuonOptions>
{
    private readonly NewtonSchulz _ns = new();

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Muon(IEnumerable<NamedParameter> parameters, MuonOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...).</summary>
    public Muon(IEnumerable<Tensor> parameters, MuonOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Whether <paramref name="shape"/> takes the Muon update in a group with <paramref name="o"/>.</summary>
    public static bool TakesMuonUpdate(Shape shape, MuonOptions o) => o.UseMuon ?? shape.Rank >= 2;

    private protected override bool StepsParametersWithoutGradient => true;

    /// <inheritdoc/>
    protected override void Update(ParameterView p, MuonOptions o, ParameterState state)
    {
        if (!TakesMuonUpdate(p.Shape, o)) { AuxiliaryAdamW(p.Values, p.Grad, o, state); return; }
        if (p.Rank < 2) throw new InvalidOperationException($"parameter '{p.Name}' of shape {p.Shape} is not a matrix; Muon orthogonalizes rank >= 2 weights only (leave UseMuon unset so that it takes the auxiliary AdamW)");
        var buf = state.Buffer("momentum_buffer").Span;
        var u = _ns.Input(p.Values.Length);
        ElementwiseUpdate.Run(new MuonMomentumRule((float)(1 - o.Momentum), (float)o.Momentum, o.Nesterov), u, p.Grad, buf);
        if (buf.Length == 0) return;
        // A rank-4 convolution weight is one [out, in·kh·kw] matrix; other ranks are a batch of [rows, cols] matrices.
        int rows = p.Rank == 4 ? p.Shape[0] : p.Shape[-2];
        int cols = p.Rank == 4 ? buf.Length / rows : p.Shape[-1];
        var update = _ns.Orthogonalize(u, rows, cols, o.NsSteps, o.NsDtype);
        // update *= max(1, grad.size(-2) / grad.size(-1)) ** 0.5, with the last two dimensions of the original shape.
        float scale = (float)Math.Sqrt(Math.Max(1.0, (double)p.Shape[-2] / p.Shape[-1]));
        bool bf16 = o.NsDtype == NewtonSchulzPrecision.BFloat16;
        if (bf16) scale = NewtonSchulz.Bf16(scale);
        ElementwiseUpdate.Run(new MuonUpdateRule(scale, bf16, (float)(1 - o.Lr * o.WeightDecay), (float)-o.Lr), p.Values, update);
    }

    /// <summary>The reference's <c>adam_update</c> with decoupled weight decay, for parameters that are not matrices.</summary>
    private static void AuxiliaryAdamW(Span<float> param, ReadOnlySpan<float> grad, MuonOptions o, ParameterState state)
    {
        var m = state.Buffer("exp_avg").Span;
        var v = state.Buffer("exp_avg_sq").Span;
        var (beta1, beta2) = o.AdamBetas;
        var rule = new MuonAdamRule((float)(1 - beta1), (float)(1 - beta2),
            (float)(1 - Math.Pow(beta1, state.Step)), (float)(1 - Math.Pow(beta2, state.Step)),
            (float)o.AdamEps, (float)(1 - o.AdamLr * o.AdamWeightDecay), (float)-o.AdamLr);
        ElementwiseUpdate.Run(rule, param, grad, m, v);
    }
}
