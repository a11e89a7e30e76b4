using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Lab.Training;

/// <summary>
/// Finds optimizer state that a checkpoint should hold but does not: the entries (buffers and scalars) that one step
/// of the same optimizer, with the same options, creates for each parameter, and its optimizer-wide scalars. Without this check a missing buffer
/// (say Adam's exp_avg_sq) would be re-initialized silently on resume and the run would no longer be the same.
/// </summary>
internal static class OptimizerStateCheck
{
    /// <summary>
    /// The missing entries of <paramref name="loaded"/>, as "parameter.entry", by comparing with a probe optimizer
    /// built from <paramref name="spec"/> over 1-element stand-ins of the same parameters and stepped once. Nothing
    /// is checked before the first step, or for optimizers that step through a closure.
    /// </summary>
    public static IReadOnlyList<string> Missing(OptimizerSpec spec, Optimizer loaded)
    {
        var state = loaded.StateDict();
        if (loaded.RequiresClosure || state.Steps.Count == 0) return [];
        var probes = loaded.ParamGroups.SelectMany(g => g.Parameters).Select(p =>
        {
            int[] ones = [.. Enumerable.Repeat(1, p.Value.Shape.Rank)];
            var t = Tensor.Zeros(ones);
            t.RequiresGrad = true;
            t.Grad = Tensor.FromArray([0.5f], ones);
            return new NamedParameter(p.Name, t);
        }).ToList();
        var probe = spec.Create(probes);
        probe.Step();
        var expected = probe.StateDict();
        var missing = new List<string>();
        foreach (string parameter in expected.Steps.Keys)
            if (!state.Steps.ContainsKey(parameter)) missing.Add($"{parameter}.step");
        foreach (string key in expected.Buffers.Keys.Concat(expected.Scalars.Keys))
        {
            string parameter = key[..key.LastIndexOf('.')];
            if (state.Steps.ContainsKey(parameter) && !state.Buffers.ContainsKey(key) && !state.Scalars.ContainsKey(key)) missing.Add(key);
        }
        foreach (string key in expected.GlobalScalars.Keys)   // per-group scalars such as Schedule-Free's "group0.k"
            if (!state.GlobalScalars.ContainsKey(key)) missing.Add(key);
        return missing;
    }
}
