using Descent.Nn;
using Descent.Optim.Kernels;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="Adafactor"/>, with torch.optim.Adafactor's names and defaults.</summary>
public sealed class AdafactorOptions : OptimizerOptions
{
    /// <summary>torch's defaults: lr 1e-2, beta2_decay −0.8, eps (None, 1e-3), d 1, weight decay 0.</summary>
    public AdafactorOptions() => Lr = 1e-2;

    /// <summary>The decay exponent c ≤ 0 of the second-moment weight β̂ₜ = t^c (default −0.8).</summary>
    [Hyper("beta2_decay", "decay exponent of the second-moment weight β̂ₜ = t^c", Symbol = "c", Must = Must.BeNonPositive, Noun = "beta2_decay")]
    public double Beta2Decay { get; set => field = Checked(value); } = -0.8;

    /// <summary>
    /// torch's eps pair (ε₁, ε₂), each ≥ 0 (default (None, 1e-3)): ε₁ floors the second moment (as ε₁²) and the row
    /// mean, None meaning float32's machine epsilon; ε₂ floors the parameter's RMS in the relative step size.
    /// </summary>
    [Hyper("eps", "(ε₁, ε₂): ε₁ floors the second moment and the row mean (none: float32's machine epsilon), ε₂ the parameter's RMS in the step size", Symbol = "ε₁, ε₂", Must = Must.BeNonNegative, Noun = "epsilon")]
    public (double? Eps1, double Eps2) Eps { get; set => field = Checked(value); } = (null, 1e-3);

    /// <summary>ε₁ ≥ 0 floors the second moment (as ε₁²) and the row mean; null (default) means float32's machine epsilon.</summary>
    public double? Eps1 { get => Eps.Eps1; set => Eps = (value, Eps.Eps2); }

    /// <summary>ε₂ ≥ 0 floors the parameter's RMS in the relative step size (default 1e-3).</summary>
    public double Eps2 { get => Eps.Eps2; set => Eps = (Eps.Eps1, value); }

    /// <summary>The clipping threshold d ≥ 1 of the update's RMS (default 1).</summary>
    [Hyper("d", "clipping threshold of the update's RMS", Must = Must.BeAtLeastOne, Noun = "clipping threshold d")]
    public double D { get; set => field = Checked(value); } = 1;

    /// <summary>The decoupled weight decay λ ≥ 0 (default 0): θ ← θ(1 − ηλ).</summary>
    [Hyper("weight_decay", "decoupled weight decay: θ ← θ(1 − ηλ)", Symbol = "λ", Must = Must.BeNonNegative)]
    public double WeightDecay { get; set => field = Checked(value); }

    /// <summary>Maximize the objective instead of minimizing it.</summary>
    [Hyper("maximize", "maximize the objective instead of minimizing it")]
    public bool Maximize { get; set; }
}

/// <summary>
/// Adafactor (Shazeer &amp; Stern, 2018, "Adafactor: Adaptive Learning Rates with Sublinear Memory Cost",
/// arXiv:1804.04235) as torch.optim.Adafactor (PyTorch ≥ 2.5) defines it.
/// </summary>
/// <remarks>
/// <para>For a parameter θ with gradient g at its t-th update (g ← −g if maximize), learning rate η:</para>
/// <code>
/// β̂ = t^beta2_decay;  ρ = min(η, 1/√t);  α = max(ε₂, RMS(θ))·ρ      (relative step size, before decay)
/// θ ← θ(1 − ηλ)
/// rank ≥ 2:  R ← lerp(R, mean_cols(g²), β̂);  C ← lerp(C, mean_rows(g²), β̂)   (row_var, col_var)
///            V = R·C / max(mean_rows(R), ε₁)                                   (rank-1 estimate of E[g²])
/// rank &lt; 2: V ← lerp(V, g², β̂)                                             (variance)
/// U = g / √max(V, ε₁²);  θ ← θ − α/max(1, RMS(U)/d) · U
/// </code>
/// <para>Defaults: η = 1e-2, beta2_decay = −0.8, ε = (None → 1.19e-7, 1e-3), d = 1, λ = 0. The point of the
/// factoring: for an n×m weight the second moment costs n + m numbers ("row_var" of shape […, n, 1], "col_var"
/// […, 1, m]) instead of nm; a tensor of rank &gt; 2 is factored over its last two dimensions. There is no first
/// moment. State: "step" and the factors, or "variance" for rank &lt; 2. The float32 roundings are those of torch's
/// single-tensor implementation (norms summed in the order of its vectorized kernel).</para>
/// </remarks>
public sealed class Adafactor : Optimizer<AdafactorOptions>
{
    /// <summary>float32 machine epsilon 2⁻²³, ε₁ when eps[0] is None.</summary>
    private const double MachineEpsilon = 1.1920928955078125e-07;

    private float[] _v = [];

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public Adafactor(IEnumerable<NamedParameter> parameters, AdafactorOptions options) : base(parameters, options) { }

    /// <summary>The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...).</summary>
    public Adafactor(IEnumerable<Tensor> parameters, AdafactorOptions options) : this(NamedParameter.ByPosition(parameters), options) { }

    /// <inheritdoc/>
    protected override Shape BufferShape(Shape parameterShape, string buffer) => buffer switch
    {
        "row_var" when parameterShape.Rank >= 2 => new Shape(WithDim(parameterShape, -1, 1)),
        "col_var" when parameterShape.Rank >= 2 => new Shape(WithDim(parameterShape, -2, 1)),
        _ => parameterShape,
    };

    /// <inheritdoc/>
    protected override void Update(ParameterView p, AdafactorOptions o, ParameterState state)
    {
        var param = p.Values;
        int n = param.Length;
        double t = state.Step;
        float eps1 = (float)(o.Eps1 ?? MachineEpsilon);                              // None: torch.finfo(float32).eps
        double eps1Squared = (o.Eps1 ?? MachineEpsilon) * (o.Eps1 ?? MachineEpsilon);
        float beta = (float)Math.Pow(t, o.Beta2Decay);                               // one_minus_beta2_t = step ** beta2_decay
        double rho = Math.Min(o.Lr, 1 / Math.Sqrt(t));
        double alpha = Math.Max(o.Eps2, TorchArithmetic.Norm(param) / Math.Sqrt(n)) * rho;
        float sign = o.Maximize ? -1f : 1f, floor = (float)eps1Squared;
        var v = (_v.Length >= n ? _v : _v = new float[n]).AsSpan(0, n);
        if (p.Rank >= 2) FactoredDirection(p, sign, beta, eps1, floor, state, v);
        else ElementwiseUpdate.Run(new AdafactorVarianceRule(sign, beta, floor), v, p.Grad, state.Buffer("variance").Span);
        double denom = Math.Max(1.0, TorchArithmetic.Norm(v) / (Math.Sqrt(n) * o.D));
        // param.mul_(1 - lr * weight_decay) comes first in the reference; nothing before this pass reads θ after its norm.
        ElementwiseUpdate.Run(new ScaledAddRule((float)(-alpha / denom), Decays: o.WeightDecay != 0, (float)(1 - o.Lr * o.WeightDecay)),
            param, v);                                                               // param.add_(update, alpha=-alpha/denom)
    }

    /// <summary>
    /// Updates row_var and col_var from g² and writes the direction g / √max(V, ε₁²) with V = R·C / max(mean(R), ε₁)
    /// into <paramref name="v"/>, matrix by matrix and row by row.
    /// </summary>
    private static void FactoredDirection(ParameterView p, float sign, float beta, float eps1, float floor, ParameterState state, Span<float> v)
    {
        int rows = p.Shape[-2], cols = p.Shape[-1], size = rows * cols;
        var rowVar = state.Buffer("row_var", WithDim(p.Shape, -1, 1)).Span;
        var colVar = state.Buffer("col_var", WithDim(p.Shape, -2, 1)).Span;
        for (int b = 0; b * size < p.Grad.Length; b++)
        {
            var g = p.Grad.Slice(b * size, size);
            var r = rowVar.Slice(b * rows, rows);
            var c = colVar.Slice(b * cols, cols);
            for (int i = 0; i < rows; i++)
            {
                // torch.norm(grad, dim=-1).square().div_(cols); the norm of −g (maximize) is the norm of g, bit for bit
                float norm = TorchArithmetic.Norm(g.Slice(i * cols, cols));
                r[i] = TorchArithmetic.Lerp(r[i], norm * norm / cols, beta);
            }
            for (int j = 0; j < cols; j++)
            {
                float norm = TorchArithmetic.StridedNorm(g, j, cols, rows);          // torch.norm(grad, dim=-2).square().div_(rows)
                c[j] = TorchArithmetic.Lerp(c[j], norm * norm / rows, beta);
            }
            float rowSum = 0;
            foreach (float x in r) rowSum += x;
            float rowMean = MathF.Max(rowSum / rows, eps1);                          // row_var.mean(dim=-2).clamp_(min=eps1)
            for (int i = 0; i < rows; i++)
                ElementwiseUpdate.Run(new AdafactorFactoredRule(r[i], rowMean, sign, floor),
                    v.Slice(b * size + i * cols, cols), g.Slice(i * cols, cols), c);
        }
    }

    private static int[] WithDim(Shape shape, int axis, int value)
    {
        var dims = shape.ToArray();
        dims[axis + dims.Length] = value;
        return dims;
    }
}
