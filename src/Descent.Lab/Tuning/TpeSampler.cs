namespace Descent.Lab.Tuning;

/// <summary>
/// The Tree-structured Parzen Estimator (Bergstra et al. 2011) with Optuna's published defaults: the first
/// <see cref="StartupTrials"/> (10) trials are random; then the finished trials are split into the best
/// γ(n) = min(⌈0.1 n⌉, 25) ("below") and the rest ("above"), each parameter gets a Parzen estimator l(x) of the
/// below and g(x) of the above values (on the log scale for a log range), and of <see cref="Candidates"/> (24)
/// draws from l the one maximizing l(x)/g(x) — the expected improvement — is taken. Parameters are modelled
/// independently; with several optimizers the optimizer is a categorical parameter and each optimizer's parameters
/// are modelled on that optimizer's trials only. Pruned trials count as "above" (worse than every complete one);
/// failed ones are ignored.
/// </summary>
public sealed class TpeSampler(SearchSpace space, Objective objective, ulong seed) : ISampler
{
    /// <summary>Random trials before the model is used.</summary>
    public const int StartupTrials = 10;

    /// <summary>Draws from l(x) whose ratio l/g is compared.</summary>
    public const int Candidates = 24;

    /// <summary>The number of "below" trials among <paramref name="n"/>: min(⌈0.1 n⌉, 25).</summary>
    public static int Gamma(int n) => Math.Min((int)Math.Ceiling(0.1 * n), 25);

    private readonly RandomSampler _random = new(space, seed);

    /// <inheritdoc/>
    public IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int number)
    {
        var finished = trials.Where(t => t.Value is double v && double.IsFinite(v) && t.State is TrialState.Complete or TrialState.Pruned).OrderBy(t => t.Number).ToList();
        if (finished.Count < StartupTrials) return _random.Sample(trials, number);
        var rng = Samplers.RandomFor(seed, number, salt: 1);
        var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        var branch = space.Branches[0];
        if (space.ChoosesOptimizer)
        {
            values[SearchSpace.OptimizerKey] = Choose(space.OptimizerChoice, finished, rng);
            branch = space.BranchOf(values);
            finished = finished.Where(t => t.Params.TryGetValue(SearchSpace.OptimizerKey, out var o) && o.Text == branch.Optimizer).ToList();
        }
        foreach (var p in branch.Parameters)
        {
            var having = finished.Where(t => t.Params.ContainsKey(p.Name)).ToList();
            values[p.Name] = having.Count < 2 ? p.FromUnit(rng.NextDouble()) : Choose(p, having, rng);
        }
        return values;
    }

    /// <summary>Splits <paramref name="trials"/> (in number order) into below and above, then picks the best of the candidates.</summary>
    private ParameterValue Choose(ParameterSpec p, List<TrialRecord> trials, Random rng)
    {
        var ranked = trials.OrderBy(t => t.State == TrialState.Pruned ? 1 : 0).ThenBy(t => objective.Loss(t.Value!.Value)).ThenBy(t => t.Number).ToList();
        int nBelow = Math.Max(1, Gamma(trials.Count));
        var below = ranked.Take(nBelow).OrderBy(t => t.Number).Select(t => p.Internal(t.Params[p.Name])).ToList();
        var above = ranked.Skip(nBelow).OrderBy(t => t.Number).Select(t => p.Internal(t.Params[p.Name])).ToList();
        ParzenEstimator l, g;
        if (p.Kind == ParameterKind.Choice)
        {
            l = ParzenEstimator.Categorical([.. below.Select(x => (int)x)], p.Choices.Count);
            g = ParzenEstimator.Categorical([.. above.Select(x => (int)x)], p.Choices.Count);
        }
        else
        {
            var (lo, hi) = p.InternalRange;
            l = ParzenEstimator.Numeric(below, lo, hi);
            g = ParzenEstimator.Numeric(above, lo, hi);
        }
        double best = double.NegativeInfinity, chosen = 0;
        for (int i = 0; i < Candidates; i++)
        {
            double x = l.Sample(rng);
            double score = l.LogDensity(x) - g.LogDensity(x);
            if (score > best) (best, chosen) = (score, x);
        }
        return p.FromInternal(chosen);
    }
}
