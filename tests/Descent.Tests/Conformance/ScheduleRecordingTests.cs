using System.Text;
using Descent.Conformance;
using Descent.Schedules;
using Descent.Tests.Schedules;

namespace Descent.Tests.Conformance;

/// <summary>
/// <see cref="ScheduleRecording"/> names the JSON location of every format error, and <see cref="ScheduleCheck"/>
/// measures and describes deviations and turns an unknown scheduler into a failed result.
/// </summary>
public class ScheduleRecordingTests
{
    private static readonly Lazy<string> Text = new(() => File.ReadAllText(ScheduleConformanceTests.Locate()));

    private static ScheduleFixture Parse(string json, string path = "s.json") => ScheduleRecording.Parse(Encoding.UTF8.GetBytes(json), path);

    private static ScheduleFixtureCase Case(string name) => Parse(Text.Value).Cases.Single(c => c.Name == name);

    public static TheoryData<string, string> Malformations => new()
    {
        { """{"torch": "1.13", "cases": {}}""", "$.cases" },
        { """{"cases": []}""", "$" },
        { """{"torch": 1, "cases": []}""", "$.torch" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "options": {"step_size": 2}, "base_lr": 0.1, "lr": [0.1, "x"]}]}""", "$.cases[0].lr[1]" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "options": {"step_size": [2, null]}, "base_lr": 0.1, "lr": [0.1]}]}""", "$.cases[0].options.step_size[1]" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "options": {"step_size": {}}, "base_lr": 0.1, "lr": [0.1]}]}""", "$.cases[0].options.step_size" },
        { """{"torch": "1.13", "cases": [{"name": "a", "options": {}, "base_lr": 0.1, "lr": [0.1]}]}""", "$.cases[0]" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "base_lr": 0.1}]}""", "$.cases[0]" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "base_lr": [0.1, 0.2], "lr": [0.1]}]}""", "$.cases[0].lr" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "base_lr": 0.1, "lr": [0.1, 0.1], "momentum": [0.9]}]}""", "$.cases[0].momentum" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "base_lr": [0.1, 0.2], "base_momentum": [0.9, 0.9, 0.9], "lr_by_group": [[0.1], [0.2]]}]}""", "$.cases[0].base_momentum" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "base_lr": [0.1, 0.2], "lr_by_group": [[0.1], [0.2, 0.2]]}]}""", "$.cases[0].lr_by_group[1]" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "ReduceLROnPlateau", "base_lr": 0.1, "metrics": [1], "lr_after_each_step": [0.1, 0.1]}]}""", "$.cases[0].metrics" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "SequentialLR", "base_lr": 0.1, "lr": [0.1], "schedulers": [{"scheduler": "StepLR"}, {"scheduler": 3}]}]}""", "$.cases[0].schedulers[1].scheduler" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "LambdaLR", "base_lr": 0.1, "lr": [0.1], "lambda": ["0.95", 1]}]}""", "$.cases[0].lambda[1]" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "base_lr": 0.1, "lr": [0.1]}, {"name": "a", "scheduler": "StepLR", "base_lr": 0.1, "lr": [0.1]}]}""", "$.cases[1].name" },
        { """{"torch": "1.13", "cases": [{"name": "a", "scheduler": "StepLR", "base_lr": 0.1, "lr": [1e999]}]}""", "$.cases[0].lr[0]" },
    };

    [Theory]
    [MemberData(nameof(Malformations))]
    public void AMalformedFileNamesThePathAndTheJsonLocation(string json, string jsonPath)
    {
        var e = Assert.Throws<RecordingFormatException>(() => Parse(json, "bad.json"));
        Assert.Equal(jsonPath, e.JsonPath);
        Assert.Equal("bad.json", e.FilePath);
        Assert.StartsWith($"bad.json: {jsonPath} ", e.Message);
    }

    [Fact]
    public void ASyntaxErrorNamesTheLine()
    {
        var e = Assert.Throws<RecordingFormatException>(() => Parse(Text.Value[..5000], "cut.json"));
        Assert.StartsWith("cut.json: $", e.Message);
        Assert.Contains("is not valid JSON at line ", e.Message);
    }

    [Theory]
    [InlineData("""{"torch": "1.13", "cases": [{"name": "a", "lr": [0.1, 0.2, 0.""", "$.cases[0].lr[2]", 1)]
    [InlineData("{\"torch\": \"1.13\",\n \"cases\": [{\"name\": \"a\" \"b\"}]}", "$.cases[0].name", 2)]
    [InlineData("""{"torch": "1.13", "cases": [{"options": {"odd key": [1, 2}}]}""", "$.cases[0].options['odd key'][2]", 1)]
    [InlineData("", "$", 1)]
    public void ASyntaxErrorNamesTheValueBeingReadAndItsLine(string json, string jsonPath, int line)
    {
        var e = Assert.Throws<RecordingFormatException>(() => Parse(json, "cut.json"));
        Assert.Equal(jsonPath, e.JsonPath);
        Assert.StartsWith($"cut.json: {jsonPath} is not valid JSON at line {line}, byte ", e.Message);
    }

    [Fact]
    public void AMissingFileIsFileNotFound()
    {
        string path = Path.Combine(Path.GetTempPath(), $"descent-missing-{Guid.NewGuid():N}.json");
        var e = Assert.Throws<FileNotFoundException>(() => ScheduleRecording.Load(path));
        Assert.Equal($"{path}: no such file", e.Message);
    }

    [Fact]
    public void APerturbedValueIsTheFirstMismatch()
    {
        var c = Case("StepLR step_size=7");
        double torch = c.Expected["lr"][0][10];
        var lr = c.Expected["lr"].Select(g => (double[])g.Clone()).ToArray();
        lr[0][10] = torch * 1.01;
        var expected = new Dictionary<string, double[][]>(c.Expected) { ["lr"] = lr };
        var result = ScheduleCheck.Run(c with { Expected = expected });
        Assert.False(result.Passed);
        Assert.Equal($"step 11, group 0, lr: torch {PythonText.Number(torch * 1.01)}, Descent {PythonText.Number(torch)}", result.FirstMismatch);
        Assert.Equal(torch * 0.01, result.MaxAbsoluteDeviation, 12);
        Assert.Equal(0.01 / 1.01, result.MaxRelativeDeviation, 12);
        Assert.True(ScheduleCheck.Run(c with { Expected = expected }, rtol: 0.02).Passed);
    }

    [Fact]
    public void AnUnknownSchedulerOrOptionIsAFailedResultNamingIt()
    {
        var c = Case("StepLR step_size=7");
        var unknown = ScheduleCheck.Run(c with { Scheduler = c.Scheduler with { Name = "FancyLR" } });
        Assert.False(unknown.Passed);
        Assert.Contains("unknown scheduler 'FancyLR'", unknown.Error);
        Assert.True(double.IsNaN(unknown.MaxAbsoluteDeviation));

        var option = ScheduleCheck.Run(c with { Scheduler = c.Scheduler with { Options = new Dictionary<string, object> { ["step_size"] = 7.0, ["fancy"] = 1.0 } } });
        Assert.Contains("'fancy'", option.Error);
    }

    [Fact]
    public void DescribesTheSchedulerAsATorchCall()
    {
        Assert.Equal("StepLR(step_size=5, gamma=0.5)", ScheduleCheck.Describe(Case("StepLR step_size=5 gamma=0.5")));
        Assert.Equal("SequentialLR(schedulers=[ConstantLR(factor=0.1, total_iters=2), ExponentialLR(gamma=0.9)], milestones=[2])",
            ScheduleCheck.Describe(Case("SequentialLR ConstantLR then ExponentialLR")));
        Assert.Equal("LambdaLR(lr_lambda=lambda epoch: 0.95 ** epoch)", ScheduleCheck.Describe(Case("LambdaLR 0.95**epoch")));
        Assert.EndsWith(" on Adam", ScheduleCheck.Describe(Case("OneCycleLR Adam beta1")));
    }

    [Fact]
    public void TheProjectFixturePassesWithTheScheduleTestsOptimizers()
    {
        // The bit-exact replay is ScheduleConformanceTests'; here the library's check agrees with it, case by case.
        var failures = Parse(Text.Value).Cases
            .Select(c => ScheduleCheck.Run(c, optimizerFactory: ScheduleConformanceTests.MakeOptimizer))
            .Where(r => !r.Passed).Select(r => $"{r.Case}: {r.Failure}").ToList();
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }
}
