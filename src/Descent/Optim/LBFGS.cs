using Descent.Nn;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>Hyper-parameters of <see cref="LBFGS"/>, with PyTorch's names and defaults.</summary>
public sealed class LBFGSOptions : OptimizerOptions
{
    /// <summary>Creates the options with PyTorch's defaults (lr = 1).</summary>
    public LBFGSOptions() => Lr = 1;

    /// <summary>The most iterations per <see cref="Optimizer.Step(Func{Tensor})"/>, ≥ 1 (default 20).</summary>
    [Hyper("max_iter", "the most iterations per step", Must = Must.BeAtLeastOne)]
    public int MaxIter { get; set => field = Checked(value); } = 20;

    /// <summary>The most function evaluations per step, ≥ 1, or null for max_iter·5/4 (rounded down) as torch.</summary>
    [Hyper("max_eval", "the most loss evaluations per step (none: max_iter·5/4)", Must = Must.BeAtLeastOne)]
    public int? MaxEval { get; set => field = Checked(value); }

    /// <summary>The evaluation budget in force: <see cref="MaxEval"/>, or max_iter·5/4 when it is null.</summary>
    public int EffectiveMaxEval => MaxEval ?? MaxIter * 5 / 4;

    /// <summary>Stop when the largest gradient entry is at most this, ≥ 0 (default 1e-7).</summary>
    [Hyper("tolerance_grad", "stop when the largest gradient entry is at most this", Must = Must.BeNonNegative, Noun = "tolerance_grad")]
    public double ToleranceGrad { get; set => field = Checked(value); } = 1e-7;

    /// <summary>Stop when the loss or the parameters change by less than this, ≥ 0 (default 1e-9).</summary>
    [Hyper("tolerance_change", "stop when the loss or the parameters change by less than this", Must = Must.BeNonNegative, Noun = "tolerance_change")]
    public double ToleranceChange { get; set => field = Checked(value); } = 1e-9;

    /// <summary>How many curvature pairs (s, y) are kept, ≥ 1 (default 100).</summary>
    [Hyper("history_size", "how many curvature pairs (s, y) are kept", Must = Must.BeAtLeastOne)]
    public int HistorySize { get; set => field = Checked(value); } = 100;

    /// <summary>null (a fixed step of lr) or "strong_wolfe" (a line search for the strong Wolfe conditions).</summary>
    [Hyper("line_search_fn", "none (a fixed step of lr) or \"strong_wolfe\" (a line search for the strong Wolfe conditions)")]
    public string? LineSearchFn
    {
        get;
        set => field = value is null or "strong_wolfe" ? value
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
/// double.</para>
/// <para>State: the direction d, step t, the history (old_dirs, old_stps, ro), H_diag, prev_flat_grad, prev_loss,
/// n_iter and func_evals are optimizer-wide, as torch keeps them (under its first parameter). They are the
/// <see cref="OptimizerStateDict.GlobalScalars"/> and <see cref="OptimizerStateDict.GlobalBuffers"/> of
/// <see cref="Optimizer.StateDict"/> under torch's names (layout: see LBFGSState), so a checkpoint resumes an LBFGS
/// run bit for bit; <see cref="Optimizer.LoadStateDict"/> checks them all (names, counts, history lengths, vector
/// lengths against the parameters' total size) before changing anything.</para>
/// <para>The training-loop options of <see cref="Optimizer"/>, inside one <see cref="Step(Func{Tensor})"/>:</para>
/// <list type="bullet">
/// <item><see cref="Optimizer.NonFinitePolicy"/>: under Throw and SkipStep every evaluation's gradient (then its
/// loss) is checked, the first one before anything changes. A non-finite value in any evaluation abandons the
/// whole step: parameters and state return to where the step began, then Throw raises a
/// <see cref="NonFiniteGradientException"/> naming the parameter (or a <see cref="NonFiniteLossException"/>) and
/// SkipStep counts <see cref="Optimizer.SkippedSteps"/> and returns the first loss. Propagate checks nothing, as
/// torch.</item>
/// <item><see cref="Optimizer.Average"/> is updated once after each step, and <see cref="Optimizer.StepCount"/>
/// counts steps (not iterations: see <see cref="Iterations"/>).</item>
/// <item><see cref="Optimizer.Clipping"/> is refused when set: LBFGS builds its curvature pairs from gradient
/// differences and its line search tests the loss against the gradient's slope, so a clipped gradient, no longer the
/// loss's gradient, would give a wrong inverse-Hessian model and wrong Wolfe tests. torch applies no clipping inside
/// LBFGS either; bound the step with lr, max_iter or the line search instead.</item>
/// </list>
/// </remarks>
public sealed class LBFGS : Optimizer<LBFGSOptions>
{
    private const string OneGroupOnly = "LBFGS doesn't support per-parameter options (parameter groups)";
    private LBFGSState _s = new();

    /// <summary>
    /// The same over unnamed tensors such as <c>model.Parameters()</c>, named by position ("0", "1", ...) as
    /// torch.optim numbers them; <see cref="Optimizer.StateOf"/> and state dicts use those names.
    /// </summary>
    public LBFGS(IEnumerable<Tensor> parameters, LBFGSOptions options)
        : this(NamedParameter.ByPosition(parameters), options) { }

    /// <summary>Creates the optimizer over <paramref name="parameters"/> with <paramref name="options"/>.</summary>
    public LBFGS(IEnumerable<NamedParameter> parameters, LBFGSOptions options) : base(parameters, options) { }

    /// <inheritdoc/>
    public override bool RequiresClosure => true;

    /// <summary>Total iterations over all steps (torch's state["n_iter"]).</summary>
    public int Iterations => _s.NIter;

    /// <summary>Total closure evaluations over all steps (torch's state["func_evals"]).</summary>
    public int FunctionEvaluations => _s.FuncEvals;

    /// <inheritdoc/>
    protected override string? ExtraParamGroupRefusal => OneGroupOnly;

    /// <inheritdoc/>
    protected override string? StepWithoutClosureRefusal => "LBFGS needs Step(closure): it re-evaluates the loss several times per step";

    /// <summary>LBFGS refuses all clipping; see the remarks of <see cref="LBFGS"/>.</summary>
    protected override string? RefuseClipping(GradientClipping clipping) =>
        "LBFGS cannot clip gradients: its curvature pairs (gradient differences) and its line search (the loss against " +
        "the gradient's slope) need the loss's true gradient, and torch applies no clipping inside LBFGS either; " +
        "bound the step with lr, max_iter or line_search_fn='strong_wolfe' instead";

    /// <inheritdoc/>
    protected override void SaveGlobalState(OptimizerStateDict dict) => _s.Save(dict);

    /// <inheritdoc/>
    protected override void ValidateGlobalState(OptimizerStateDict dict) =>
        LBFGSState.Validate(dict, Group(0).Parameters.Sum(p => p.Value.Length), Group(0).Options.HistorySize);

    /// <inheritdoc/>
    protected override void LoadGlobalState(OptimizerStateDict dict)
    {
        var loaded = new LBFGSState();
        loaded.Load(dict);
        _s = loaded;
    }

    /// <summary>
    /// Runs up to max_iter L-BFGS iterations, calling <paramref name="closure"/> (which must zero the gradients,
    /// compute the loss and call Backward) for each evaluation; returns the loss of the first evaluation. Non-finite
    /// values are handled per <see cref="Optimizer.NonFinitePolicy"/> and <see cref="Optimizer.Average"/> is updated
    /// after the step (see the remarks of <see cref="LBFGS"/>).
    /// </summary>
    public override Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        var o = Group(0).Options;
        o.Validate();
        var named = Group(0).Parameters;
        var ps = named.Select(p => p.Value).ToArray();
        bool check = NonFinitePolicy != NonFinitePolicy.Propagate;
        // The whole step is abandoned on a non-finite evaluation: keep what it started from.
        var savedState = check ? _s.Copy() : null;
        var savedParams = check ? ps.Select(p => p.ToArray()).ToArray() : null;
        Tensor? origLoss = null;
        try
        {
            origLoss = closure();
            double firstLoss = origLoss.Item();
            Check(firstLoss);
            Iterate(firstLoss);
        }
        catch (NonFiniteEvaluation bad)
        {
            _s = savedState!;
            for (int i = 0; i < ps.Length; i++) savedParams![i].CopyTo(ps[i].Span);
            if (NonFinitePolicy == NonFinitePolicy.Throw)
                throw bad.Parameter is { } name ? new NonFiniteGradientException(name, StepCount + 1) : new NonFiniteLossException(bad.Loss, StepCount + 1);
            CountSkippedStep();
            return origLoss!;
        }
        CountStep();
        return origLoss;

        // Under Throw and SkipStep: the gradient, then the loss, of every evaluation must be finite.
        void Check(double loss)
        {
            if (!check) return;
            foreach (var p in named)
                if (p.Value.Grad is { } g && !Kernels.FiniteCheck.AllFinite(g)) throw new NonFiniteEvaluation(p.Name, loss);
            if (!double.IsFinite(loss)) throw new NonFiniteEvaluation(null, loss);
        }

        double Evaluate()
        {
            // The step's own arithmetic works on spans and records nothing, so the closure runs as the caller left it.
            double loss = closure().Item();
            Check(loss);
            return loss;
        }

        (double, float[]) DirectionalEvaluate(float[][] x, Num t, float[] d, int numel)
        {
            AddGrad(ps, t.F32Value, d);
            double loss = Evaluate();
            var g = GatherFlatGrad(ps, numel);
            for (int i = 0; i < ps.Length; i++) x[i].CopyTo(ps[i].Span);
            return (loss, g);
        }

        // torch.optim.LBFGS.step after the first evaluation, line for line.
        void Iterate(double loss)
        {
            var s = _s;
            int numel = ps.Sum(p => p.Length);
            double lr = o.Lr, tolGrad = o.ToleranceGrad, tolChange = o.ToleranceChange;
            int maxIter = o.MaxIter, maxEval = o.EffectiveMaxEval, historySize = o.HistorySize;

            int currentEvals = 1;
            s.FuncEvals++;
            var flatGrad = GatherFlatGrad(ps, numel);
            bool optCond = Num.F32(AbsMax(flatGrad)) <= Num.D(tolGrad);
            if (optCond) return;

            var d = s.D;
            var t = s.T;
            int nIter = 0;
            while (nIter < maxIter)
            {
                nIter++;
                s.NIter++;
                if (s.NIter == 1)
                {
                    d = Neg(flatGrad);
                    s.OldDirs.Clear(); s.OldStps.Clear(); s.Ro.Clear();
                    s.HDiag = Num.D(1);
                }
                else
                {
                    var y = new float[numel];
                    for (int i = 0; i < numel; i++) y[i] = flatGrad[i] - s.PrevFlatGrad![i];
                    var sv = new float[numel];
                    float tf = t.F32Value;
                    for (int i = 0; i < numel; i++) sv[i] = d![i] * tf;
                    var ys = Num.F32(Dot(y, sv));
                    if (ys > Num.D(1e-10))
                    {
                        if (s.OldDirs.Count == historySize)
                        {
                            s.OldDirs.RemoveAt(0); s.OldStps.RemoveAt(0); s.Ro.RemoveAt(0);
                        }
                        s.OldDirs.Add(y);
                        s.OldStps.Add(sv);
                        s.Ro.Add(Num.F32(1f / ys.F32Value));
                        s.HDiag = ys / Num.F32(Dot(y, y));
                    }
                    int numOld = s.OldDirs.Count;
                    var al = new Num[numOld];
                    var q = Neg(flatGrad);
                    for (int i = numOld - 1; i >= 0; i--)
                    {
                        al[i] = Num.F32(Dot(s.OldStps[i], q)) * s.Ro[i];
                        Axpy(q, s.OldDirs[i], (-al[i]).F32Value);
                    }
                    float h = s.HDiag.F32Value;
                    var r = new float[numel];
                    for (int i = 0; i < numel; i++) r[i] = q[i] * h;
                    for (int i = 0; i < numOld; i++)
                    {
                        var be = Num.F32(Dot(s.OldDirs[i], r)) * s.Ro[i];
                        Axpy(r, s.OldStps[i], (al[i] - be).F32Value);
                    }
                    d = r;
                }
                s.PrevFlatGrad = (float[])flatGrad.Clone();
                s.PrevLoss = loss;

                if (s.NIter == 1)
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
                    (double, float[]) ObjFunc(Num tt, float[] dd) => DirectionalEvaluate(xInit, tt, dd, numel);
                    (loss, flatGrad, t, lsEvals) = StrongWolfe.Search(ObjFunc, t, d!, loss, flatGrad, gtd, tolChange);
                    AddGrad(ps, t.F32Value, d!);
                    optCond = Num.F32(AbsMax(flatGrad)) <= Num.D(tolGrad);
                }
                else
                {
                    AddGrad(ps, t.F32Value, d!);
                    if (nIter != maxIter)
                    {
                        loss = Evaluate();
                        flatGrad = GatherFlatGrad(ps, numel);
                        optCond = Num.F32(AbsMax(flatGrad)) <= Num.D(tolGrad);
                        lsEvals = 1;
                    }
                }
                currentEvals += lsEvals;
                s.FuncEvals += lsEvals;

                if (nIter == maxIter) break;
                if (currentEvals >= maxEval) break;
                if (optCond) break;
                float tf2 = t.F32Value, dmax = 0;
                foreach (float v in d!) dmax = MathF.Max(dmax, MathF.Abs(v * tf2));
                if (Num.F32(dmax) <= Num.D(tolChange)) break;
                if (Math.Abs(loss - s.PrevLoss) < tolChange) break;
            }
            s.D = d;
            s.T = t;
        }
    }

    /// <summary>An evaluation gave a non-finite gradient (of the named parameter) or loss (no parameter named).</summary>
    private sealed class NonFiniteEvaluation(string? parameter, double loss) : Exception
    {
        public string? Parameter { get; } = parameter;
        public double Loss { get; } = loss;
    }

    /// <summary>LBFGS has no per-parameter update; <see cref="Optimizer.Step()"/> without a closure is an error.</summary>
    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, LBFGSOptions options, ParameterState state) =>
        throw new InvalidOperationException("LBFGS needs Step(closure): it re-evaluates the loss several times per step");

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
