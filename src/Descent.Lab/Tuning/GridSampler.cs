namespace Descent.Lab.Tuning;

/// <summary>
/// Every combination of the parameters' grids (<see cref="ParameterSpec.Grid"/>), optimizer after optimizer, trial N
/// taking the N-th in order (the last parameter varying fastest): DeepOBS's log grid of learning rates is
/// <c>lr: { log_uniform: [1e-5, 1e2], points: 36 }</c>.
/// </summary>
public sealed class GridSampler(SearchSpace space) : ISampler
{
    /// <inheritdoc/>
    public IReadOnlyDictionary<string, ParameterValue> Sample(IReadOnlyList<TrialRecord> trials, int number)
    {
        long index = number;
        foreach (var branch in space.Branches)
        {
            var grids = branch.Parameters.Select(p => p.Grid()).ToList();
            long size = grids.Aggregate(1L, (n, g) => n * g.Count);
            if (index >= size) { index -= size; continue; }
            var values = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
            if (space.ChoosesOptimizer) values[SearchSpace.OptimizerKey] = ParameterValue.Of(branch.Optimizer);
            for (int i = grids.Count - 1; i >= 0; i--)
            {
                values[branch.Parameters[i].Name] = grids[i][(int)(index % grids[i].Count)];
                index /= grids[i].Count;
            }
            return values;
        }
        throw new ArgumentOutOfRangeException(nameof(number), number, "the grid has fewer points than trials");
    }
}
