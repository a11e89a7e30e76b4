using Descent.Nn;
using Descent.Optim;
using Descent.Schedules;
using Descent.Tensors;

namespace Descent.Conformance;

/// <summary>
/// Replays a <see cref="ScheduleFixtureCase"/>: builds the optimizer (one single-element parameter per group) and the
/// scheduler through <see cref="SchedulerCatalog"/>, reads the series before each step (or the rate after each
/// metric, for ReduceLROnPlateau) and compares them with torch's.
/// </summary>
public static class ScheduleReplay
{
    /// <summary>Replays <paramref name="fixtureCase"/>; <paramref name="optimizerFactory"/> replaces <see cref="DefaultOptimizer"/>.</summary>
    public static ScheduleReplayResult Run(ScheduleFixtureCase fixtureCase, Func<ScheduleFixtureCase, Optimizer>? optimizerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(fixtureCase);
        var optimizer = (optimizerFactory ?? DefaultOptimizer)(fixtureCase);
        var scheduler = Build(fixtureCase.Scheduler, optimizer);
        int groups = optimizer.ParamGroups.Count, steps = fixtureCase.Steps;
        var actual = fixtureCase.Expected.Keys.ToDictionary(k => k, _ => Enumerable.Range(0, groups).Select(_ => new double[steps]).ToArray());

        if (scheduler is ReduceLROnPlateau plateau)
        {
            var metrics = fixtureCase.Metrics ?? throw new InvalidDataException($"case '{fixtureCase.Name}' has no metrics");
            for (int t = 0; t < steps; t++)
            {
                plateau.Step(metrics[t]);
                for (int g = 0; g < groups; g++) actual["lr_after_each_step"][g][t] = optimizer.ParamGroups[g].Options.Lr;
            }
            return new ScheduleReplayResult(fixtureCase, actual);
        }

        var stepped = (LRScheduler)scheduler;
        for (int t = 0; t < steps; t++)
        {
            for (int g = 0; g < groups; g++)
            {
                var options = optimizer.ParamGroups[g].Options;
                foreach (var (series, values) in actual)
                    values[g][t] = series switch
                    {
                        "lr" => options.Lr,
                        "momentum" => HyperParameter.Momentum.Get(options),
                        "beta1" => HyperParameter.Beta1.Get(options),
                        _ => throw new InvalidDataException($"case '{fixtureCase.Name}': unknown series '{series}'"),
                    };
            }
            if (fixtureCase.StepEpochs is { } epochs) ((CosineAnnealingWarmRestarts)stepped).Step(epochs[t]);
            else stepped.Step();
        }
        return new ScheduleReplayResult(fixtureCase, actual);
    }

    /// <summary>
    /// SGD with the case's learning rate and momentum per group; any other optimizer from
    /// <see cref="OptimizerCatalog"/> with its defaults and the case's learning rates.
    /// </summary>
    public static Optimizer DefaultOptimizer(ScheduleFixtureCase fixtureCase)
    {
        ArgumentNullException.ThrowIfNull(fixtureCase);
        var lrs = fixtureCase.BaseLrs;
        Optimizer optimizer = fixtureCase.Optimizer.Equals("SGD", StringComparison.OrdinalIgnoreCase)
            ? new Sgd([Parameter(0)], new SgdOptions { Lr = lrs[0], Momentum = fixtureCase.BaseMomentums?[0] ?? 0 })
            : OptimizerCatalog.Create(fixtureCase.Optimizer, [Parameter(0)], new TorchOptions(new Dictionary<string, object> { ["lr"] = lrs[0] }));
        for (int g = 1; g < lrs.Count; g++)
        {
            var options = optimizer.DefaultOptions.Clone();
            options.Lr = lrs[g];
            if (options is IMomentumOptions m && fixtureCase.BaseMomentums is { } moms) m.Momentum = moms[g];
            optimizer.AddParamGroup([Parameter(g)], options);
        }
        return optimizer;
    }

    /// <summary>One parameter named "g{index}" of one element.</summary>
    public static NamedParameter Parameter(int index)
    {
        var t = Tensor.Zeros(1);
        t.RequiresGrad = true;
        return new NamedParameter($"g{index}", t);
    }

    /// <summary>Builds a recorded scheduler (children first) on <paramref name="optimizer"/>.</summary>
    public static Scheduler Build(ScheduleFixtureScheduler spec, Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var functions = new SchedulerFunctions
        {
            LrLambdas = spec.Lambdas?.Select(FixtureFunctions.Lambda).ToArray(),
            ScaleFn = spec.ScaleFn is { } s ? FixtureFunctions.ScaleFunction(s) : null,
            Schedulers = spec.Children?.Select(c => (LRScheduler)Build(c, optimizer)).ToArray(),
        };
        return SchedulerCatalog.Create(spec.Name, optimizer, spec.Options, functions);
    }
}

/// <summary>The values a replay produced, beside torch's.</summary>
public sealed class ScheduleReplayResult
{
    internal ScheduleReplayResult(ScheduleFixtureCase fixtureCase, IReadOnlyDictionary<string, double[][]> actual)
    {
        Case = fixtureCase;
        Actual = actual;
        double worst = 0;
        foreach (var (series, groups) in fixtureCase.Expected)
            for (int g = 0; g < groups.Length; g++)
                for (int t = 0; t < groups[g].Length; t++)
                    worst = Math.Max(worst, RelativeError(actual[series][g][t], groups[g][t]));
        MaxRelativeError = worst;
    }

    /// <summary>The replayed case.</summary>
    public ScheduleFixtureCase Case { get; }

    /// <summary>The replayed series, as <see cref="ScheduleFixtureCase.Expected"/>.</summary>
    public IReadOnlyDictionary<string, double[][]> Actual { get; }

    /// <summary>The largest |actual − expected| / |expected| (the absolute error where torch's value is 0).</summary>
    public double MaxRelativeError { get; }

    private static double RelativeError(double actual, double expected)
    {
        if (actual == expected) return 0;
        if (double.IsNaN(actual) || double.IsNaN(expected)) return double.PositiveInfinity;
        double diff = Math.Abs(actual - expected);
        return expected == 0 ? diff : diff / Math.Abs(expected);
    }

    /// <summary>The first value off by more than <c>atol + rtol·|expected|</c>, described; null when all match.</summary>
    public string? FirstMismatch(double rtol, double atol = 0)
    {
        foreach (var (series, groups) in Case.Expected)
            for (int g = 0; g < groups.Length; g++)
                for (int t = 0; t < groups[g].Length; t++)
                {
                    double e = groups[g][t], a = Actual[series][g][t];
                    if (!(Math.Abs(a - e) <= atol + rtol * Math.Abs(e)))
                        return $"{Case.Name}: {series} of group {g} at step {t}: torch {ScheduleFixtureCase.Format(e)}, Descent {ScheduleFixtureCase.Format(a)}";
                }
        return null;
    }
}
