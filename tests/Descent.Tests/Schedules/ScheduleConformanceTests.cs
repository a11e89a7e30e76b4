using Descent.Conformance;
using Descent.Optim;
using Descent.Schedules;

namespace Descent.Tests.Schedules;

/// <summary>
/// Replays every case of tests/Descent.Tests/Schedules/Fixtures/schedules.json, recorded from PyTorch 1.13 by
/// tools/fixtures/record_schedules.py, and requires the same doubles.
/// </summary>
public class ScheduleConformanceTests
{
    private const string RelativePath = "tests/Descent.Tests/Schedules/Fixtures/schedules.json";

    /// <summary>The tolerance of the comparison. The replay is expected to be bit-exact; see <see cref="EveryValueIsBitExact"/>.</summary>
    private const double RelativeTolerance = 1e-12;

    private static readonly Lazy<ScheduleFixture> Fixture = new(() => ScheduleFixture.Load(Locate()));

    public static TheoryData<string> CaseNames()
    {
        var data = new TheoryData<string>();
        foreach (var c in Fixture.Value.Cases) data.Add(c.Name);
        return data;
    }

    internal static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"{RelativePath} was not found in any directory above {AppContext.BaseDirectory}; record it with tools/fixtures/record_schedules.py");
    }

    /// <summary>SGD as recorded; "Adam" from the catalog once it exists, else an optimizer with the same betas.</summary>
    internal static Optimizer MakeOptimizer(ScheduleFixtureCase c)
    {
        if (c.Optimizer == "Adam" && !OptimizerCatalog.Names.Contains("Adam", StringComparer.OrdinalIgnoreCase))
        {
            var probe = new BetaProbe([ScheduleReplay.Parameter(0)], c.BaseLrs[0]);
            for (int g = 1; g < c.BaseLrs.Count; g++) probe.AddParamGroup([ScheduleReplay.Parameter(g)], new BetaProbeOptions { Lr = c.BaseLrs[g] });
            return probe;
        }
        return ScheduleReplay.DefaultOptimizer(c);
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ReplaysTorch(string name)
    {
        var c = Fixture.Value.Cases.Single(x => x.Name == name);
        var result = ScheduleReplay.Run(c, MakeOptimizer);
        Assert.Null(result.FirstMismatch(RelativeTolerance));
    }

    [Fact]
    public void EveryValueIsBitExact()
    {
        var worst = Fixture.Value.Cases
            .Select(c => (c.Name, Error: ScheduleReplay.Run(c, MakeOptimizer).MaxRelativeError))
            .OrderByDescending(x => x.Error)
            .First();
        Assert.True(worst.Error == 0, $"largest relative error {worst.Error:R} in '{worst.Name}'");
    }

    /// <summary>
    /// Stops every case half-way, saves the state dict, builds a fresh optimizer and scheduler, loads the state and
    /// finishes: the second half must still be torch's, bit for bit.
    /// </summary>
    [Theory]
    [MemberData(nameof(CaseNames))]
    public void ResumesFromAStateDictHalfWay(string name)
    {
        var c = Fixture.Value.Cases.Single(x => x.Name == name);
        int half = c.Steps / 2;
        var first = ScheduleReplay.Build(c.Scheduler, MakeOptimizer(c));
        for (int t = 0; t < half; t++) Advance(c, first, t);
        var state = first.StateDict();

        var optimizer = MakeOptimizer(c);
        var resumed = ScheduleReplay.Build(c.Scheduler, optimizer);
        resumed.LoadStateDict(state);
        Assert.Equal(state, resumed.StateDict());
        for (int t = half; t < c.Steps; t++)
        {
            if (c.Expected.TryGetValue("lr_after_each_step", out var after))
            {
                Advance(c, resumed, t);
                for (int g = 0; g < after.Length; g++) Assert.Equal(after[g][t], optimizer.ParamGroups[g].Options.Lr);
                continue;
            }
            for (int g = 0; g < c.BaseLrs.Count; g++)
            {
                var options = optimizer.ParamGroups[g].Options;
                Assert.Equal(c.Expected["lr"][g][t], options.Lr);
                if (c.Expected.TryGetValue("momentum", out var m)) Assert.Equal(m[g][t], ((IMomentumOptions)options).Momentum);
                if (c.Expected.TryGetValue("beta1", out var b)) Assert.Equal(b[g][t], ((IBetaOptions)options).Beta1);
            }
            Advance(c, resumed, t);
        }
    }

    private static void Advance(ScheduleFixtureCase c, Scheduler scheduler, int t)
    {
        switch (scheduler)
        {
            case ReduceLROnPlateau p: p.Step(c.Metrics![t]); break;
            case CosineAnnealingWarmRestarts w when c.StepEpochs is { } epochs: w.Step(epochs[t]); break;
            case LRScheduler s: s.Step(); break;
        }
    }

    /// <summary>The torch options of every scheduler (last_epoch and verbose aside), each recorded at least once.</summary>
    private static readonly Dictionary<string, string[]> TorchOptions = new()
    {
        ["LambdaLR"] = ["lr_lambda"],
        ["MultiplicativeLR"] = ["lr_lambda"],
        ["StepLR"] = ["step_size", "gamma"],
        ["MultiStepLR"] = ["milestones", "gamma"],
        ["ConstantLR"] = ["factor", "total_iters"],
        ["LinearLR"] = ["start_factor", "end_factor", "total_iters"],
        ["ExponentialLR"] = ["gamma"],
        ["PolynomialLR"] = ["total_iters", "power"],
        ["CosineAnnealingLR"] = ["T_max", "eta_min"],
        ["CosineAnnealingWarmRestarts"] = ["T_0", "T_mult", "eta_min", "step(epoch)"],
        ["CyclicLR"] = ["base_lr", "max_lr", "step_size_up", "step_size_down", "mode=triangular", "mode=triangular2", "mode=exp_range",
            "gamma", "scale_fn", "scale_mode=cycle", "scale_mode=iterations", "cycle_momentum", "base_momentum", "max_momentum",
            "base_lr[]", "max_lr[]", "base_momentum[]", "max_momentum[]"],
        ["OneCycleLR"] = ["max_lr", "total_steps", "epochs", "steps_per_epoch", "pct_start", "anneal_strategy=cos", "anneal_strategy=linear",
            "cycle_momentum", "base_momentum", "max_momentum", "div_factor", "final_div_factor", "three_phase", "max_lr[]",
            "base_momentum[]", "max_momentum[]", "optimizer=Adam"],
        ["SequentialLR"] = ["schedulers", "milestones"],
        ["ChainedScheduler"] = ["schedulers"],
        ["ReduceLROnPlateau"] = ["mode=min", "mode=max", "factor", "patience", "threshold", "threshold_mode=rel", "threshold_mode=abs",
            "cooldown", "min_lr", "min_lr[]", "eps"],
    };

    [Fact]
    public void TheFixtureCoversEverySchedulerAndOptionWithFortyStepsOrMore()
    {
        var used = new Dictionary<string, HashSet<string>>();
        void Collect(ScheduleFixtureScheduler s, ScheduleFixtureCase c)
        {
            if (!used.TryGetValue(s.Name, out var set)) used[s.Name] = set = [];
            set.Add("mode=" + (s.Name == "ReduceLROnPlateau" ? "min" : "triangular"));
            set.Add("threshold_mode=rel");
            set.Add("anneal_strategy=cos");
            foreach (var (key, value) in s.Options)
            {
                set.Add(key);
                if (value is string text) set.Add($"{key}={text}");
                if (value is double[] && key != "milestones") set.Add(key + "[]");
            }
            if (s.Lambdas is not null) set.Add("lr_lambda");
            if (s.ScaleFn is not null) set.Add("scale_fn");
            if (s.Children is not null) set.Add("schedulers");
            if (ReferenceEquals(s, c.Scheduler) && c.StepEpochs is not null) set.Add("step(epoch)");
            if (ReferenceEquals(s, c.Scheduler) && c.Optimizer != "SGD") set.Add("optimizer=" + c.Optimizer);
            foreach (var child in s.Children ?? []) Collect(child, c);
        }
        foreach (var c in Fixture.Value.Cases)
        {
            Assert.True(c.Steps >= 40, $"'{c.Name}' has {c.Steps} steps");
            Collect(c.Scheduler, c);
        }
        Assert.Equal(SchedulerCatalog.Names.Order(), TorchOptions.Keys.Order());
        foreach (var (scheduler, options) in TorchOptions)
        {
            Assert.True(used.ContainsKey(scheduler), $"no case for {scheduler}");
            var missing = options.Where(o => !used[scheduler].Contains(o)).ToList();
            Assert.True(missing.Count == 0, $"{scheduler}: no case with {string.Join(", ", missing)}");
        }
    }

    [Fact]
    public void TheFixtureRecordsWhatItSays()
    {
        var f = Fixture.Value;
        Assert.StartsWith("1.13", f.Torch);
        Assert.Equal(f.Cases.Count, f.Cases.Select(c => c.Name).Distinct().Count());
        Assert.True(f.Cases.Count >= 80, $"{f.Cases.Count} cases");
        foreach (var c in f.Cases)
            if (c.Scheduler.Name == "ReduceLROnPlateau") Assert.Equal(c.Metrics!.Count, c.Steps);
            else Assert.True(c.Expected.ContainsKey("lr") && (c.Expected.ContainsKey("momentum") || c.Expected.ContainsKey("beta1")), c.Name);
    }
}
