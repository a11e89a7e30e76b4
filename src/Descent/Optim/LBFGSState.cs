using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// What <see cref="LBFGS"/> keeps between steps (torch's <c>state</c> of the first parameter), and its layout in an
/// <see cref="OptimizerStateDict"/>: all of it is optimizer-wide, none of it per parameter.
/// </summary>
/// <remarks>
/// <para>Global scalars: "func_evals" and "n_iter" (counts, present once a step has run); "t" (the last step size),
/// "H_diag" (the initial inverse-Hessian scale) and "prev_loss", present once an iteration has run (n_iter &gt; 0).
/// Only the float32 value of t and H_diag takes part in later arithmetic, so storing them as doubles is exact.</para>
/// <para>Global buffers, over all parameters flattened in group order (numel entries): "d" (the last direction) and
/// "prev_flat_grad", present when n_iter &gt; 0; "old_dirs" and "old_stps" (the kept y and s vectors, one row each,
/// shape [k, numel], oldest first) and "ro" (1/yᵀs, shape [k]), present when k &gt; 0 pairs are kept.</para>
/// </remarks>
internal sealed class LBFGSState
{
    private static readonly string[] ScalarNames = ["func_evals", "n_iter", "t", "H_diag", "prev_loss"];
    private static readonly string[] BufferNames = ["d", "prev_flat_grad", "old_dirs", "old_stps", "ro"];
    private static readonly string[] IterationEntries = ["t", "H_diag", "prev_loss", "d", "prev_flat_grad"];
    private static readonly string[] HistoryEntries = ["old_dirs", "old_stps", "ro"];

    public List<float[]> OldDirs { get; private init; } = [];
    public List<float[]> OldStps { get; private init; } = [];
    public List<Num> Ro { get; private init; } = [];
    public float[]? D { get; set; }
    public float[]? PrevFlatGrad { get; set; }
    public Num T { get; set; }
    public Num HDiag { get; set; } = Num.D(1);
    public double PrevLoss { get; set; }
    public int NIter { get; set; }
    public int FuncEvals { get; set; }

    /// <summary>
    /// A copy to restore after an abandoned step. The lists are copied; their vectors and D/PrevFlatGrad are shared,
    /// which is safe because a step replaces vectors and never writes into kept ones.
    /// </summary>
    public LBFGSState Copy() => new()
    {
        OldDirs = [.. OldDirs], OldStps = [.. OldStps], Ro = [.. Ro], D = D, PrevFlatGrad = PrevFlatGrad,
        T = T, HDiag = HDiag, PrevLoss = PrevLoss, NIter = NIter, FuncEvals = FuncEvals,
    };

    /// <summary>Adds copies of the state to <paramref name="dict"/>'s global sections (nothing before the first step).</summary>
    public void Save(OptimizerStateDict dict)
    {
        if (FuncEvals == 0 && NIter == 0) return;
        dict.GlobalScalars["func_evals"] = FuncEvals;
        dict.GlobalScalars["n_iter"] = NIter;
        if (NIter == 0) return;
        dict.GlobalScalars["t"] = T.V;
        dict.GlobalScalars["H_diag"] = HDiag.V;
        dict.GlobalScalars["prev_loss"] = PrevLoss;
        dict.GlobalBuffers["d"] = Tensor.FromArray(D!, D!.Length);
        dict.GlobalBuffers["prev_flat_grad"] = Tensor.FromArray(PrevFlatGrad!, PrevFlatGrad!.Length);
        int k = OldDirs.Count;
        if (k == 0) return;
        dict.GlobalBuffers["old_dirs"] = Rows(OldDirs);
        dict.GlobalBuffers["old_stps"] = Rows(OldStps);
        dict.GlobalBuffers["ro"] = Tensor.FromArray(Ro.Select(r => r.F32Value).ToArray(), k);
    }

    /// <summary>
    /// Checks that <paramref name="dict"/>'s global sections are a state of an LBFGS over <paramref name="numel"/>
    /// values keeping at most <paramref name="historySize"/> pairs; the error names the entry.
    /// </summary>
    public static void Validate(OptimizerStateDict dict, int numel, int historySize)
    {
        var scalars = dict.GlobalScalars;
        var buffers = dict.GlobalBuffers;
        foreach (var key in scalars.Keys)
            if (!ScalarNames.Contains(key))
                throw Error(key, BufferNames.Contains(key) ? "is a tensor in LBFGS's state, not a scalar" : "is not part of LBFGS's state");
        foreach (var key in buffers.Keys)
            if (!BufferNames.Contains(key))
                throw Error(key, ScalarNames.Contains(key) ? "is a scalar in LBFGS's state, not a tensor" : "is not part of LBFGS's state");
        if (scalars.Count == 0 && buffers.Count == 0) return;
        Count(scalars, "func_evals");
        int nIter = Count(scalars, "n_iter");
        if (nIter == 0)
        {
            foreach (var key in IterationEntries.Concat(HistoryEntries))
                if (scalars.ContainsKey(key) || buffers.ContainsKey(key)) throw Error(key, "is present but 'n_iter' is 0: no iteration has run");
            return;
        }
        foreach (var key in IterationEntries)
            if (!scalars.ContainsKey(key) && !buffers.ContainsKey(key)) throw Error(key, $"is missing; it is required once 'n_iter' is {nIter}");
        foreach (var key in new[] { "d", "prev_flat_grad" })
            if (buffers[key].Shape != new Shape(numel))
                throw Error(key, $"has shape {buffers[key].Shape}, expected [{numel}]: the parameters have {numel} values in all");
        int present = HistoryEntries.Count(buffers.ContainsKey);
        if (present == 0) return;
        if (present != HistoryEntries.Length)
            throw Error(HistoryEntries.First(k => !buffers.ContainsKey(k)), "is missing; 'old_dirs', 'old_stps' and 'ro' come together");
        var dirs = buffers["old_dirs"].Shape;
        if (dirs.Rank != 2 || dirs[1] != numel || dirs[0] < 1)
            throw Error("old_dirs", $"has shape {dirs}, expected [k, {numel}] with k ≥ 1 pairs");
        int k = dirs[0];
        if (k > historySize) throw Error("old_dirs", $"holds {k} pairs, more than history_size {historySize}");
        if (buffers["old_stps"].Shape != dirs) throw Error("old_stps", $"has shape {buffers["old_stps"].Shape}, but 'old_dirs' has {dirs}");
        if (buffers["ro"].Shape != new Shape(k)) throw Error("ro", $"has shape {buffers["ro"].Shape}, expected [{k}] (one per pair in 'old_dirs')");
    }

    /// <summary>Replaces the state with <paramref name="dict"/>'s, already checked by <see cref="Validate"/>.</summary>
    public void Load(OptimizerStateDict dict)
    {
        var scalars = dict.GlobalScalars;
        var buffers = dict.GlobalBuffers;
        OldDirs.Clear(); OldStps.Clear(); Ro.Clear();
        D = PrevFlatGrad = null;
        T = default;
        HDiag = Num.D(1);
        PrevLoss = 0;
        FuncEvals = scalars.TryGetValue("func_evals", out var evals) ? (int)evals : 0;
        NIter = scalars.TryGetValue("n_iter", out var iters) ? (int)iters : 0;
        if (NIter == 0) return;
        T = Num.D(scalars["t"]);
        HDiag = Num.D(scalars["H_diag"]);
        PrevLoss = scalars["prev_loss"];
        D = buffers["d"].ToArray();
        PrevFlatGrad = buffers["prev_flat_grad"].ToArray();
        if (!buffers.TryGetValue("old_dirs", out var dirs)) return;
        int k = dirs.Shape[0], numel = dirs.Shape[1];
        var dirValues = dirs.Span;
        var stpValues = buffers["old_stps"].Span;
        var ro = buffers["ro"].Span;
        for (int i = 0; i < k; i++)
        {
            OldDirs.Add(dirValues.Slice(i * numel, numel).ToArray());
            OldStps.Add(stpValues.Slice(i * numel, numel).ToArray());
            Ro.Add(Num.F32(ro[i]));
        }
    }

    private static Tensor Rows(List<float[]> rows)
    {
        int numel = rows[0].Length;
        var flat = new float[rows.Count * numel];
        for (int i = 0; i < rows.Count; i++) rows[i].CopyTo(flat, i * numel);
        return Tensor.FromArray(flat, rows.Count, numel);
    }

    private static int Count(Dictionary<string, double> scalars, string key)
    {
        if (!scalars.TryGetValue(key, out var value)) throw Error(key, "is missing; LBFGS's state always has 'func_evals' and 'n_iter'");
        if (!(value >= 0 && value <= int.MaxValue && Math.Floor(value) == value))
            throw Error(key, $"is {value}, not a count (a whole number in [0, {int.MaxValue}])");
        return (int)value;
    }

    private static ArgumentException Error(string key, string problem) =>
        new($"state dict entry '{key}' (optimizer-wide) {problem}", "dict");
}
