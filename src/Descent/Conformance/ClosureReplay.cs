using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Conformance;

/// <summary>
/// Replays a <see cref="ClosureCase"/>: builds the objective op for op as tools/fixtures/record_lbfgs.py does, steps
/// LBFGS through the closure and compares the returned loss, the parameters and the n_iter and func_evals counters
/// with torch's after every step.
/// </summary>
public static class ClosureReplay
{
    /// <summary>Replays <paramref name="c"/>; a problem (an unknown option, say) is a failed result naming it, not an exception.</summary>
    public static ConformanceResult Run(ClosureCase c, double rtol = ConformanceResult.DefaultRtol, double atol = ConformanceResult.DefaultAtol)
    {
        ArgumentNullException.ThrowIfNull(c);
        ConformanceResult.CheckTolerances(rtol, atol);
        var tracker = new DeviationTracker(rtol, atol);
        string options = Describe(c);
        bool lsq = c.Objective == "least_squares";
        var x = Tensor.FromArray((float[])c.X0.Clone(), lsq ? [c.X0.Length, 1] : [c.X0.Length]);
        x.RequiresGrad = true;
        Func<Tensor, Tensor> f = Rosenbrock;
        if (lsq)
        {
            var a = Tensor.FromArray(c.A!.SelectMany(r => r).ToArray(), c.A!.Length, c.X0.Length);
            var b = Tensor.FromArray(c.B!, c.B!.Length, 1);
            f = v => (Tensor.MatMul(a, v) - b).Square().Sum() * 0.5f;
        }
        LBFGS optimizer;
        try { optimizer = (LBFGS)OptimizerCatalog.Create("LBFGS", [new NamedParameter("x", x)], new TorchOptions(c.Options)); }
        catch (ArgumentException e) { return tracker.Result(c.Name, "LBFGS", options, ConformanceResult.Reason(e)); }
        Tensor Closure()
        {
            x.Grad = null;
            var loss = f(x);
            loss.Backward();
            return loss;
        }
        for (int k = 0; k < c.Steps.Count; k++)
        {
            var step = c.Steps[k];
            double loss;
            try { loss = optimizer.Step(Closure).Item(); }
            catch (Exception e) when (e is not OutOfMemoryException) { return tracker.Result(c.Name, "LBFGS", options, $"step {k + 1}: {ConformanceResult.Reason(e)}"); }
            if (!tracker.Observe(step.Loss, loss)) tracker.Mismatch($"step {k + 1}: loss {loss:R}, torch {step.Loss:R}");
            var values = x.ToArray();
            for (int i = 0; i < values.Length; i++)
                if (!tracker.Observe(step.Params[i], values[i])) tracker.Mismatch($"step {k + 1}, x[{i}]: {values[i]:R}, torch {step.Params[i]:R}");
            if (optimizer.Iterations != step.Iterations) tracker.Mismatch($"step {k + 1}: n_iter {optimizer.Iterations}, torch {step.Iterations}");
            if (optimizer.FunctionEvaluations != step.FunctionEvaluations)
                tracker.Mismatch($"step {k + 1}: func_evals {optimizer.FunctionEvaluations}, torch {step.FunctionEvaluations}");
        }
        return tracker.Result(c.Name, "LBFGS", options);
    }

    /// <summary>"LBFGS(lr=1, ...) on rosenbrock", the case's configuration in torch's terms.</summary>
    public static string Describe(ClosureCase c) =>
        PythonText.Call("LBFGS", c.Options.Select(kv => $"{kv.Key}={PythonText.Value(kv.Value)}")) + " on " + c.Objective;

    /// <summary>sum(100·(x[1:] − x[:-1]²)² + (1 − x[:-1])²), op for op as the recording script.</summary>
    private static Tensor Rosenbrock(Tensor x)
    {
        int n = x.Length;
        var a = x.Narrow(0, n - 1);
        var c = x.Narrow(1, n - 1);
        return ((c - a.Square()).Square() * 100f + (a * -1f + 1f).Square()).Sum();
    }
}
