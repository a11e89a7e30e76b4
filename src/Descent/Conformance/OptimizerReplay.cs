using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Conformance;

/// <summary>
/// Replays an <see cref="OptimizerCase"/> through <see cref="OptimizerCatalog"/>: builds the optimizer over tensors
/// p0, p1, ... with the recorded initial values, and before every step sets the recorded gradients (halving the lr
/// of every group where the case says so); after every step compares the parameters and the per-parameter state with
/// torch's, element by element.
/// </summary>
public static class OptimizerReplay
{
    /// <summary>
    /// Replays <paramref name="recorded"/> to the end and compares every step at <paramref name="rtol"/> and
    /// <paramref name="atol"/>. An unknown optimizer or option, or an invalid value, is a failed result whose
    /// <see cref="ConformanceResult.Error"/> names it, not an exception.
    /// </summary>
    public static ConformanceResult Run(OptimizerCase recorded, double rtol = ConformanceResult.DefaultRtol, double atol = ConformanceResult.DefaultAtol)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ConformanceResult.CheckTolerances(rtol, atol);
        var c = recorded;
        string options = Describe(c);
        var tracker = new DeviationTracker(rtol, atol);

        var parameters = new List<NamedParameter>();
        for (int i = 0; i < c.Shapes.Count; i++)
        {
            var t = Tensor.FromArray(c.Init[i], c.Shapes[i]);
            t.RequiresGrad = true;
            parameters.Add(new NamedParameter($"p{i}", t));
        }
        Optimizer optimizer;
        try { optimizer = OptimizerCatalog.Create(c.Optimizer, parameters, new TorchOptions(c.Options)); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ConformanceResult(c.Name, c.Optimizer, options, double.NaN, double.NaN, rtol, atol, null, ConformanceResult.Reason(e));
        }

        for (int step = 1; step <= c.Steps; step++)
        {
            try
            {
                if (c.LrHalvedBeforeStep == step)
                    foreach (var group in optimizer.ParamGroups) group.Options.Lr *= 0.5;
                for (int i = 0; i < parameters.Count; i++)
                    parameters[i].Value.Grad = c.Grads[step - 1][i] is { } g ? Tensor.FromArray(g, c.Shapes[i]) : null;
                optimizer.Step();
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return tracker.Result(c.Name, c.Optimizer, options, $"step {step}: {ConformanceResult.Reason(e)}");
            }

            for (int i = 0; i < parameters.Count; i++)
                CompareElements(tracker, parameters[i].Value.Span, c.ParamsAfterStep[step - 1][i], $"step {step}, tensor p{i}, params");
            for (int i = 0; i < parameters.Count; i++)
                CompareState(tracker, optimizer.StateOf($"p{i}"), c.StateAfterStep[step - 1][i], $"step {step}, tensor p{i}");
        }
        return tracker.Result(c.Name, c.Optimizer, options);
    }

    /// <summary>The case's optimizer and options as a torch constructor call, such as <c>Adam(lr=0.01, amsgrad=True)</c>.</summary>
    public static string Describe(OptimizerCase recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return PythonText.Call(recorded.Optimizer, recorded.Options.Select(o => $"{o.Key}={PythonText.Value(o.Value)}"));
    }

    /// <summary>Compares Descent's state of one parameter with torch's <c>optimizer.state[p]</c>.</summary>
    private static void CompareState(DeviationTracker tracker, ParameterState ours, IReadOnlyDictionary<string, TorchStateValue> torch, string where)
    {
        if (torch.Count == 0)
        {
            if (!ours.IsEmpty)
                tracker.Mismatch($"{where}, state: torch has none for this tensor yet, Descent has step {ours.Step} and buffers [{string.Join(", ", ours.Buffers.Keys)}]");
            return;
        }
        foreach (var (key, value) in torch)
        {
            string at = $"{where}, state '{key}'";
            switch (value.Kind)
            {
                case TorchStateKind.None:
                    // torch keeps the key with None (SGD's momentum_buffer when momentum is 0): nothing to compare.
                    break;
                case TorchStateKind.Number when key == "step":
                    if (!tracker.ObserveExact(value.Number, ours.Step))
                        tracker.Mismatch($"{at}: torch {PythonText.Number(value.Number)}, Descent {ours.Step}");
                    break;
                case TorchStateKind.Number:
                    CompareScalar(tracker, ours, value.Number, at, key);
                    break;
                case TorchStateKind.Tensor:
                    if (!ours.Buffers.TryGetValue(key, out var buffer))
                        tracker.Mismatch($"{at}: torch has it, Descent has no buffer of that name (it has [{string.Join(", ", ours.Buffers.Keys)}])");
                    else if (buffer.Length != value.Values!.Length)
                        tracker.Mismatch($"{at}: torch has {value.Values.Length} elements, Descent's buffer has {buffer.Length}");
                    else
                        CompareElements(tracker, buffer.Span, value.Values, at);
                    break;
            }
        }
    }

    /// <summary>
    /// A scalar of torch's state (ASGD "eta"/"mu", NAdam "mu_product"): compared with Descent's scalar of that name,
    /// or else its buffer of that name when it has one element or all elements equal (an empty buffer, for an empty
    /// parameter, has nothing to compare).
    /// </summary>
    private static void CompareScalar(DeviationTracker tracker, ParameterState ours, double expected, string at, string key)
    {
        if (ours.Scalars.TryGetValue(key, out double scalar))
        {
            if (!tracker.Observe(expected, scalar))
                tracker.Mismatch($"{at}: torch {PythonText.Number(expected)}, Descent {PythonText.Number(scalar)}");
            return;
        }
        if (ours.Buffers.TryGetValue(key, out var buffer))
        {
            var span = buffer.Span;
            for (int j = 1; j < span.Length; j++)
                if (span[j] != span[0])
                {
                    tracker.Mismatch($"{at}: torch has one number, Descent's buffer has differing elements ([0] = {PythonText.Number(span[0])}, [{j}] = {PythonText.Number(span[j])})");
                    return;
                }
            if (span.Length > 0 && !tracker.Observe(expected, span[0]))
                tracker.Mismatch($"{at}: torch {PythonText.Number(expected)}, Descent {PythonText.Number(span[0])}");
            return;
        }
        tracker.Mismatch($"{at}: torch has the number {PythonText.Number(expected)}, Descent has no scalar or buffer of that name");
    }

    private static void CompareElements(DeviationTracker tracker, ReadOnlySpan<float> ours, float[] torch, string at)
    {
        if (ours.Length != torch.Length)
        {
            tracker.Mismatch($"{at}: torch has {torch.Length} elements, Descent {ours.Length}");
            return;
        }
        for (int j = 0; j < torch.Length; j++)
            if (!tracker.Observe(torch[j], ours[j]) && tracker.FirstMismatch is null)
                tracker.Mismatch($"{at} element {j}: torch {PythonText.Number(torch[j])}, Descent {PythonText.Number(ours[j])}");
    }
}
