using Descent.Optim;
using Descent.Schedules;

namespace Descent.Conformance;

/// <summary>
/// Replays a <see cref="ScheduleFixtureCase"/> with <see cref="ScheduleReplay"/> and compares every recorded value
/// (the lr, momentum or beta1 of every group before every optimizer step; for ReduceLROnPlateau the lr after every
/// step) with torch's, giving the largest deviations and the first value out of tolerance.
/// </summary>
public static class ScheduleCheck
{
    /// <summary>
    /// Replays <paramref name="recorded"/> and compares it at <paramref name="rtol"/> and <paramref name="atol"/>. An
    /// unknown scheduler, optimizer, option or recorded function is a failed result whose
    /// <see cref="ConformanceResult.Error"/> names it, not an exception.
    /// </summary>
    /// <param name="recorded">The case.</param>
    /// <param name="rtol">The relative tolerance.</param>
    /// <param name="atol">The absolute tolerance.</param>
    /// <param name="optimizerFactory">Builds the optimizer; <see cref="ScheduleReplay.DefaultOptimizer"/> when null.</param>
    public static ConformanceResult Run(
        ScheduleFixtureCase recorded,
        double rtol = ConformanceResult.DefaultRtol,
        double atol = ConformanceResult.DefaultAtol,
        Func<ScheduleFixtureCase, Optimizer>? optimizerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        ConformanceResult.CheckTolerances(rtol, atol);
        string options = Describe(recorded);
        ScheduleReplayResult replay;
        try { replay = ScheduleReplay.Run(recorded, optimizerFactory); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            return new ConformanceResult(recorded.Name, recorded.Scheduler.Name, options, double.NaN, double.NaN, rtol, atol, null, ConformanceResult.Reason(e));
        }

        var tracker = new DeviationTracker(rtol, atol);
        foreach (var (series, groups) in recorded.Expected)
            for (int g = 0; g < groups.Length; g++)
                for (int t = 0; t < groups[g].Length; t++)
                {
                    double torch = groups[g][t], ours = replay.Actual[series][g][t];
                    if (!tracker.Observe(torch, ours) && tracker.FirstMismatch is null)
                        tracker.Mismatch($"step {t + 1}, group {g}, {series}: torch {PythonText.Number(torch)}, Descent {PythonText.Number(ours)}");
                }
        return tracker.Result(recorded.Name, recorded.Scheduler.Name, options);
    }

    /// <summary>
    /// The case's scheduler as a torch constructor call, such as <c>StepLR(step_size=5, gamma=0.5)</c> or
    /// <c>LambdaLR(lr_lambda=lambda epoch: 0.95 ** epoch)</c>, followed by "on Adam" when the optimizer is not SGD.
    /// </summary>
    public static string Describe(ScheduleFixtureCase recorded)
    {
        ArgumentNullException.ThrowIfNull(recorded);
        string text = Describe(recorded.Scheduler);
        return recorded.Optimizer.Equals("SGD", StringComparison.OrdinalIgnoreCase) ? text : $"{text} on {recorded.Optimizer}";
    }

    private static string Describe(ScheduleFixtureScheduler s)
    {
        var arguments = new List<string>();
        if (s.Lambdas is { } lambdas)
            arguments.Add("lr_lambda=" + (lambdas.Count == 1 ? $"lambda epoch: {lambdas[0]}"
                : "[" + string.Join(", ", lambdas.Select(l => $"lambda epoch: {l}")) + "]"));
        if (s.Children is { } children) arguments.Add("schedulers=[" + string.Join(", ", children.Select(Describe)) + "]");
        arguments.AddRange(s.Options.Select(o => $"{o.Key}={PythonText.Value(o.Value)}"));
        if (s.ScaleFn is { } scaleFn) arguments.Add($"scale_fn=lambda x: {scaleFn}");
        return PythonText.Call(s.Name, arguments);
    }
}
