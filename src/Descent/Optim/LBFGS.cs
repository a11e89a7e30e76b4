using Descent.Nn;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="LBFGS"/>, with PyTorch's names and defaults.</summary>
public sealed class LBFGSOptions : OptimizerOptions
{
    private int _maxIter = 20, _historySize = 100;
    private int? _maxEval;
    private double _toleranceGrad = 1e-7, _toleranceChange = 1e-9;
    private string? _lineSearchFn;

    /// <summary>Creates the options with PyTorch's defaults (lr = 1).</summary>
    public LBFGSOptions() => Lr = 1;

    /// <summary>The most iterations per <see cref="Optimizer.Step(Func{Tensor})"/>, ≥ 1 (default 20).</summary>
    public int MaxIter
    {
        get => _maxIter;
        set => _maxIter = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxIter), value, "max_iter must be >= 1");
    }

    /// <summary>The most function evaluations per step, ≥ 1, or null for max_iter·5/4 (rounded down) as torch.</summary>
    public int? MaxEval
    {
        get => _maxEval;
        set => _maxEval = value is null or >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(MaxEval), value, "max_eval must be >= 1");
    }

    /// <summary>The evaluation budget in force: <see cref="MaxEval"/>, or max_iter·5/4 when it is null.</summary>
    public int EffectiveMaxEval => _maxEval ?? _maxIter * 5 / 4;

    /// <summary>Stop when the largest gradient entry is at most this, ≥ 0 (default 1e-7).</summary>
    public double ToleranceGrad { get => _toleranceGrad; set => _toleranceGrad = Check.NonNegative(value, nameof(ToleranceGrad), "tolerance_grad"); }

    /// <summary>Stop when the loss or the parameters change by less than this, ≥ 0 (default 1e-9).</summary>
    public double ToleranceChange { get => _toleranceChange; set => _toleranceChange = Check.NonNegative(value, nameof(ToleranceChange), "tolerance_change"); }

    /// <summary>How many curvature pairs (s, y) are kept, ≥ 1 (default 100).</summary>
    public int HistorySize
    {
        get => _historySize;
        set => _historySize = value >= 1 ? value : throw new ArgumentOutOfRangeException(nameof(HistorySize), value, "history_size must be >= 1");
    }

    /// <summary>null (a fixed step of lr) or "strong_wolfe" (a line search for the strong Wolfe conditions).</summary>
    public string? LineSearchFn
    {
        get => _lineSearchFn;
        set => _lineSearchFn = value is null or "strong_wolfe" ? value
            : throw new ArgumentException($"line_search_fn '{value}' is not supported; only 'strong_wolfe' or none", nameof(LineSearchFn));
    }
}

/// <summary>
/// Limited-memory BFGS as torch.optim.LBFGS (PyTorch 1.13), including the strong-Wolfe line search. It works on
/// the flattened vector of all parameters, so it needs <see cref="Step(Func{Tensor})"/> with a closure that zeroes
/// the gradients, computes the loss and calls Backward; it supports one parameter group only.
/// </summary>
/// <remarks>
/// <para>Per iteration: d ← −g on the very first iteration, else the two-loop recursion over the kept pairs
/// (s = t·d, y = g − g_prev, kept when yᵀs &gt; 1e-10) with the initial Hessian H₀ = yᵀs / yᵀy; the step is
/// t = min(1, 1/‖g‖₁)·lr on the first iteration and lr after, or the strong-Wolfe line search's.</para>
/// <para>The arithmetic follows torch's precisions: vectors in float32 (the axpy updates fused, as torch's
/// AVX2 kernels), the scalars that torch keeps as 0-dimensional float32 tensors in float32 and the Python floats in
/// double. The state (d, t, the history, H_diag, prev_flat_grad, prev_loss, n_iter, func_evals) is global and kept
/// in the optimizer; it is not part of <see cref="Optimizer.StateDict"/>.</para>
/// </remarks>
public sealed class LBFGS : Optimizer<LBFGSOptions>
{
    private readonly List<float[]> _oldDirs = [], _oldStps = [];
    private readonly List<Num> _ro = [];
    private float[]? _d, _prevFlatGrad;
    private Num _t, _hDiag = Num.D(1);
    private double _prevLoss;

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public LBFGS(IEnumerable<NamedParameter> parameters, LBFGSOptions options) : base(parameters, options) { }

    /// <summary>Creates the optimizer with torch's keyword options.</summary>
    public LBFGS(IEnumerable<NamedParameter> parameters, double lr = 1, int maxIter = 20, int? maxEval = null,
        double toleranceGrad = 1e-7, double toleranceChange = 1e-9, int historySize = 100, string? lineSearchFn = null)
        : this(parameters, new LBFGSOptions
        {
            Lr = lr, MaxIter = maxIter, MaxEval = maxEval, ToleranceGrad = toleranceGrad,
            ToleranceChange = toleranceChange, HistorySize = historySize, LineSearchFn = lineSearchFn,
        }) { }

    /// <summary>
    /// Builds the optimizer from torch.optim.LBFGS keyword options (lr, max_iter, max_eval, tolerance_grad,
    /// tolerance_change, history_size, line_search_fn).
    /// </summary>
    public static LBFGS FromTorch(IEnumerable<NamedParameter> parameters, TorchOptions o)
    {
        int maxIter = o.Integer("max_iter", 20);
        int maxEval = o.Integer("max_eval", int.MinValue);
        return new(parameters, new LBFGSOptions
        {
            Lr = o.Number("lr", 1),
            MaxIter = maxIter,
            MaxEval = maxEval == int.MinValue ? null : maxEval,
            ToleranceGrad = o.Number("tolerance_grad", 1e-7),
            ToleranceChange = o.Number("tolerance_change", 1e-9),
            HistorySize = o.Integer("history_size", 100),
            LineSearchFn = o.Text("line_search_fn", null),
        });
    }

    /// <inheritdoc/>
    public override bool RequiresClosure => true;

    /// <summary>Total iterations over all steps (torch's state["n_iter"]).</summary>
    public int Iterations { get; private set; }

    /// <summary>Total closure evaluations over all steps (torch's state["func_evals"]).</summary>
    public int FunctionEvaluations { get; private set; }

    /// <summary>LBFGS supports one parameter group only, as torch: adding another is an error.</summary>
    public new void AddParamGroup(IEnumerable<NamedParameter> parameters, OptimizerOptions? options = null) =>
        throw new InvalidOperationException("LBFGS doesn't support per-parameter options (parameter groups)");

    /// <summary>
    /// Runs up to max_iter L-BFGS iterations, calling <paramref name="closure"/> (which must zero the gradients,
    /// compute the loss and call Backward) for each evaluation; returns the loss of the first evaluation.
    /// </summary>
    public override Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        if (ParamGroups.Count != 1) throw new InvalidOperationException("LBFGS doesn't support per-parameter options (parameter groups)");
        var o = Group(0).Options;
        o.Validate();
        var ps = Group(0).Parameters.Select(p => p.Value).ToArray();
        int numel = ps.Sum(p => p.Length);
        double lr = o.Lr, tolGrad = o.ToleranceGrad, tolChange = o.ToleranceChange;
        int maxIter = o.MaxIter, maxEval = o.EffectiveMaxEval, historySize = o.HistorySize;

        var origLoss = closure();
        double loss = origLoss.Item();
        int currentEvals = 1;
        FunctionEvaluations++;
        var flatGrad = GatherFlatGrad(ps, numel);
        bool optCond = Num.F32(AbsMax(flatGrad)) <= Num.D(tolGrad);
        if (optCond) return origLoss;

        var d = _d;
        var t = _t;
        int nIter = 0;
        {
            while (nIter < maxIter)
            {
                nIter++;
                Iterations++;
                if (Iterations == 1)
                {
                    d = Neg(flatGrad);
                    _oldDirs.Clear(); _oldStps.Clear(); _ro.Clear();
                    _hDiag = Num.D(1);
                }
                else
                {
                    var y = new float[numel];
                    for (int i = 0; i < numel; i++) y[i] = flatGrad[i] - _prevFlatGrad![i];
                    var s = new float[numel];
                    float tf = t.F32Value;
                    for (int i = 0; i < numel; i++) s[i] = d![i] * tf;
                    var ys = Num.F32(Dot(y, s));
                    if (ys > Num.D(1e-10))
                    {
                        if (_oldDirs.Count == historySize)
                        {
                            _oldDirs.RemoveAt(0); _oldStps.RemoveAt(0); _ro.RemoveAt(0);
                        }
                        _oldDirs.Add(y);
                        _oldStps.Add(s);
                        _ro.Add(Num.F32(1f / ys.F32Value));
                        _hDiag = ys / Num.F32(Dot(y, y));
                    }
                    int numOld = _oldDirs.Count;
                    var al = new Num[numOld];
                    var q = Neg(flatGrad);
                    for (int i = numOld - 1; i >= 0; i--)
                    {
                        al[i] = Num.F32(Dot(_oldStps[i], q)) * _ro[i];
                        Axpy(q, _oldDirs[i], (-al[i]).F32Value);
                    }
                    float h = _hDiag.F32Value;
                    var r = new float[numel];
                    for (int i = 0; i < numel; i++) r[i] = q[i] * h;
                    for (int i = 0; i < numOld; i++)
                    {
                        var be = Num.F32(Dot(_oldDirs[i], r)) * _ro[i];
                        Axpy(r, _oldStps[i], (al[i] - be).F32Value);
                    }
                    d = r;
                }
                _prevFlatGrad = (float[])flatGrad.Clone();
                _prevLoss = loss;

                if (Iterations == 1)
                {
                    var inv = Num.F32(1f / AbsSum(flatGrad));
                    t = Num.Min(Num.D(1), inv) * Num.D(lr);
                }
                else t = Num.D(lr);

                var gtd = Num.F32(Dot(flatGrad, d!));
                if (gtd > Num.D(-tolChange)) break;

                int lsEvals = 0;
                if (o.LineSearchFn is not null)
                {
                    var xInit = ps.Select(p => p.ToArray()).ToArray();
                    (double, float[]) ObjFunc(Num tt, float[] dd) => DirectionalEvaluate(closure, ps, xInit, tt, dd, numel);
                    (loss, flatGrad, t, lsEvals) = StrongWolfe.Search(ObjFunc, t, d!, loss, flatGrad, gtd, tolChange);
                    AddGrad(ps, t.F32Value, d!);
                    optCond = Num.F32(AbsMax(flatGrad)) <= Num.D(tolGrad);
                }
                else
                {
                    AddGrad(ps, t.F32Value, d!);
                    if (nIter != maxIter)
                    {
                        loss = Evaluate(closure);
                        flatGrad = GatherFlatGrad(ps, numel);
                        optCond = Num.F32(AbsMax(flatGrad)) <= Num.D(tolGrad);
                        lsEvals = 1;
                    }
                }
                currentEvals += lsEvals;
                FunctionEvaluations += lsEvals;

                if (nIter == maxIter) break;
                if (currentEvals >= maxEval) break;
                if (optCond) break;
                float tf2 = t.F32Value, dmax = 0;
                foreach (float v in d!) dmax = MathF.Max(dmax, MathF.Abs(v * tf2));
                if (Num.F32(dmax) <= Num.D(tolChange)) break;
                if (Math.Abs(loss - _prevLoss) < tolChange) break;
            }
        }
        _d = d;
        _t = t;
        return origLoss;
    }

    /// <summary>LBFGS has no per-parameter update; <see cref="Optimizer.Step()"/> without a closure is an error.</summary>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, LBFGSOptions options, ParameterState state) =>
        throw new InvalidOperationException("LBFGS needs Step(closure): it re-evaluates the loss several times per step");

    private static double Evaluate(Func<Tensor> closure)
    {
        // The step's own arithmetic works on spans and records nothing, so the closure runs as the caller left it.
        return closure().Item();
    }

    private static (double, float[]) DirectionalEvaluate(Func<Tensor> closure, Tensor[] ps, float[][] x, Num t, float[] d, int numel)
    {
        AddGrad(ps, t.F32Value, d);
        double loss = Evaluate(closure);
        var g = GatherFlatGrad(ps, numel);
        for (int i = 0; i < ps.Length; i++) x[i].CopyTo(ps[i].Span);
        return (loss, g);
    }

    private static float[] GatherFlatGrad(Tensor[] ps, int numel)
    {
        var flat = new float[numel];
        int offset = 0;
        foreach (var p in ps)
        {
            p.Grad?.Span.CopyTo(flat.AsSpan(offset, p.Length));
            offset += p.Length;
        }
        return flat;
    }

    private static void AddGrad(Tensor[] ps, float step, float[] update)
    {
        int offset = 0;
        foreach (var p in ps)
        {
            var span = p.Span;
            for (int i = 0; i < span.Length; i++) span[i] = MathF.FusedMultiplyAdd(step, update[offset + i], span[i]);
            offset += span.Length;
        }
    }

    private static float[] Neg(float[] v)
    {
        var r = new float[v.Length];
        for (int i = 0; i < v.Length; i++) r[i] = -v[i];
        return r;
    }

    /// <summary>y ← y + αx with one rounding per entry, as torch's fused add_(x, alpha=α).</summary>
    private static void Axpy(float[] y, float[] x, float alpha)
    {
        for (int i = 0; i < y.Length; i++) y[i] = MathF.FusedMultiplyAdd(alpha, x[i], y[i]);
    }

    /// <summary>A float32 dot product accumulated in float32 in order.</summary>
    internal static float Dot(float[] a, float[] b)
    {
        float s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    internal static float AbsMax(float[] v)
    {
        float m = 0;
        foreach (float x in v) m = MathF.Max(m, MathF.Abs(x));
        return m;
    }

    private static float AbsSum(float[] v)
    {
        float s = 0;
        foreach (float x in v) s += MathF.Abs(x);
        return s;
    }
}
