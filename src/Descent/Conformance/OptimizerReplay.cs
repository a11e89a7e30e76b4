using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Conformance;

/// <summary>
/// Replays an <see cref="OptimizerCase"/> through <see cref="OptimizerCatalog"/>: builds the optimizer over tensors
/// p0, p1, ... with the recorded initial values, and before every step sets the recorded gradients (halving the lr
/// of every group where the case says so), or, closed loop, steps through a closure over the case's loss; after
/// every step compares, element by element, the parameters and whatever else the case recorded: the per-parameter
/// state (a wrapper's inner state under its prefix), the group scalars, the parameters at the evaluation point and
/// the gradients the closure computed.
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

        var seen = new List<float[][]>();
        for (int step = 1; step <= c.Steps; step++)
        {
            seen.Clear();
            try
            {
                if (c.LrHalvedBeforeStep == step)
                    foreach (var group in optimizer.ParamGroups) group.Options.Lr *= 0.5;
                if (c.Loss is { } loss) optimizer.Step(() => Closure(loss, parameters, seen));
                else
                {
                    for (int i = 0; i < parameters.Count; i++)
                        parameters[i].Value.Grad = c.Grads![step - 1][i] is { } g ? Tensor.FromArray(g, c.Shapes[i]) : null;
                    optimizer.Step();
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                return tracker.Result(c.Name, c.Optimizer, options, $"step {step}: {ConformanceResult.Reason(e)}");
            }

            for (int i = 0; i < parameters.Count; i++)
                CompareElements(tracker, parameters[i].Value.Span, c.ParamsAfterStep[step - 1][i], $"step {step}, tensor p{i}, params");
            if (c.StateAfterStep is { } states)
                for (int i = 0; i < parameters.Count; i++)
                    CompareState(tracker, optimizer, $"p{i}", states[step - 1][i], $"step {step}, tensor p{i}");
            if (c.GroupAfterStep is { } groups)
                CompareGroup(tracker, optimizer.ParamGroups[0], groups[step - 1], $"step {step}, group 0");
            if (c.EvalParamsAfterStep is { } evaluation)
                CompareEvaluationPoint(tracker, optimizer, parameters, evaluation[step - 1], step);
            if (c.GradsSeen is { } gradsSeen)
                CompareGradients(tracker, seen, gradsSeen[step - 1], step);
        }
        return tracker.Result(c.Name, c.Optimizer, options);
    }

    /// <summary>
    /// The closure of a closed-loop case: sets every gradient from <paramref name="loss"/> at the current parameters,
    /// notes them in <paramref name="seen"/>, and returns the loss.
    /// </summary>
    private static Tensor Closure(QuadraticLoss loss, List<NamedParameter> parameters, List<float[][]> seen)
    {
        var grads = new float[parameters.Count][];
        for (int i = 0; i < parameters.Count; i++)
        {
            var p = parameters[i].Value;
            grads[i] = new float[p.Length];
            loss.Gradient(i, p.Span, grads[i]);
            p.Grad = Tensor.FromArray(grads[i], p.Shape.ToArray());
        }
        seen.Add(grads);
        return Tensor.Scalar((float)loss.Value(parameters.Select(p => p.Value.ToArray()).ToList()));
    }

    /// <summary>Compares the scalars of a parameter group (Schedule-Free's k, weight_sum, ...) with torch's param_groups[0].</summary>
    private static void CompareGroup(DeviationTracker tracker, ParamGroup group, IReadOnlyDictionary<string, double> torch, string where)
    {
        foreach (var (key, value) in torch)
        {
            if (!group.Scalars.TryGetValue(key, out double ours))
                tracker.Mismatch($"{where}, '{key}': torch has {PythonText.Number(value)}, Descent keeps no group scalar of that name (it has [{string.Join(", ", group.Scalars.Keys)}])");
            else if (!tracker.Observe(value, ours))
                tracker.Mismatch($"{where}, '{key}': torch {PythonText.Number(value)}, Descent {PythonText.Number(ours)}");
        }
    }

    /// <summary>Switches to the evaluation point, compares the parameters there, and switches back to training.</summary>
    private static void CompareEvaluationPoint(DeviationTracker tracker, Optimizer optimizer, List<NamedParameter> parameters, IReadOnlyList<float[]> torch, int step)
    {
        if (optimizer is not ITrainEvalSwitch modes)
        {
            tracker.Mismatch($"step {step}: the case records eval_params_after_step, but {optimizer.GetType().Name} has no train/eval switch");
            return;
        }
        modes.Eval();
        for (int i = 0; i < parameters.Count; i++)
            CompareElements(tracker, parameters[i].Value.Span, torch[i], $"step {step}, tensor p{i}, eval params");
        modes.Train();
    }

    /// <summary>Compares the gradients the closure computed with grads_seen: as many calls, each element by element.</summary>
    private static void CompareGradients(DeviationTracker tracker, List<float[][]> ours, IReadOnlyList<IReadOnlyList<float[]>> torch, int step)
    {
        if (ours.Count != torch.Count)
        {
            tracker.Mismatch($"step {step}: torch evaluated the gradient {torch.Count} times, Descent {ours.Count}");
            return;
        }
        for (int call = 0; call < torch.Count; call++)
            for (int i = 0; i < torch[call].Count; i++)
                CompareElements(tracker, ours[call][i], torch[call][i], $"step {step}, gradient {call + 1}, tensor p{i}");
    }

    /// <summary>The case's optimizer and options as a torch constructor call, such as <c>Adam(lr=0.01, amsgrad=True)</c>.</summary>
    public static string Describe(OptimizerCase recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        return PythonText.Call(recorded.Optimizer, recorded.Options.Select(o => $"{o.Key}={PythonText.Value(o.Value)}"));
    }

    /// <summary>
    /// Compares Descent's state of one parameter with the reference's <c>state[p]</c>. A key "inner.exp_avg" of a
    /// wrapper (<see cref="IOptimizerWrapper"/> with that <see cref="IOptimizerWrapper.StatePrefix"/>) is the wrapped
    /// optimizer's "exp_avg", at any depth.
    /// </summary>
    private static void CompareState(DeviationTracker tracker, Optimizer optimizer, string name, IReadOnlyDictionary<string, TorchStateValue> torch, string where)
    {
        // Every level of wrapping, outermost first, with the keys torch holds for it.
        var levels = new List<(string Prefix, ParameterState State, Dictionary<string, TorchStateValue> Torch)>();
        string prefix = "";
        for (var o = optimizer; ; )
        {
            levels.Add((prefix, o.StateOf(name), new Dictionary<string, TorchStateValue>(StringComparer.Ordinal)));
            if (o is not IOptimizerWrapper wrapper) break;
            prefix += wrapper.StatePrefix + ".";
            o = wrapper.Inner;
        }
        foreach (var (key, value) in torch)
        {
            int level = levels.Count - 1;
            while (level > 0 && !key.StartsWith(levels[level].Prefix, StringComparison.Ordinal)) level--;
            levels[level].Torch[key[levels[level].Prefix.Length..]] = value;
        }
        foreach (var (levelPrefix, ours, entries) in levels)
        {
            if (entries.Count == 0)
            {
                if (!ours.IsEmpty)
                    tracker.Mismatch($"{where}, state{(levelPrefix.Length > 0 ? $" '{levelPrefix}*'" : "")}: torch has none for this tensor yet, Descent has step {ours.Step} and buffers [{string.Join(", ", ours.Buffers.Keys)}]");
                continue;
            }
            foreach (var (key, value) in entries)
                CompareEntry(tracker, ours, key, value, $"{where}, state '{levelPrefix}{key}'");
        }
    }

    private static void CompareEntry(DeviationTracker tracker, ParameterState ours, string key, TorchStateValue value, string at)
    {
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
