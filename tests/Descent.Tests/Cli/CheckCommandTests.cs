using System.Text.Json.Nodes;
using Descent.Cli;
using Descent.Conformance;
using Descent.Tests.Conformance;
using Descent.Tests.Schedules;

namespace Descent.Tests.Cli;

/// <summary>
/// <c>descent check optimizers|schedules FILE</c> on the project's own fixtures, on altered copies of them, and on
/// broken files.
/// </summary>
public class CheckCommandTests
{
    private static string OptimizersFixture => OptimizerFixtures.Locate();

    private static string SchedulesFixture => ScheduleConformanceTests.Locate();

    private static string LbfgsFixture => Path.Combine(Path.GetDirectoryName(OptimizersFixture)!, "lbfgs.json");

    [Fact]
    public void TheLbfgsRecordingsReplayThroughCheckOptimizers()
    {
        var r = CliRunner.Run("check", "optimizers", LbfgsFixture);
        Assert.True(r.ExitCode == ExitCodes.Success, r.Output + r.Error);
        Assert.Contains("LBFGS(line_search_fn='strong_wolfe', max_iter=5) on rosenbrock", r.Output);
        Assert.Equal("9 passed, 0 failed", r.Output.TrimEnd().Split('\n')[^1].Trim());
    }

    /// <summary>The output line of case <paramref name="name"/> (names are padded, so a longer name sharing the prefix does not match).</summary>
    private static string CaseLine(CliRunner.Result r, string name)
    {
        var lines = r.Output.Split('\n').Select(l => l.TrimEnd('\r'))
            .Where(l => l.StartsWith(name, StringComparison.Ordinal) && l[name.Length..].StartsWith("  ", StringComparison.Ordinal)).ToList();
        Assert.True(lines.Count == 1, $"{lines.Count} lines for case '{name}' in:\n{r.Output}");
        return lines[0];
    }

    private static string LastLine(CliRunner.Result r) => r.Output.TrimEnd().Split('\n')[^1].TrimEnd('\r');

    private static void AssertAllPass(CliRunner.Result r, IReadOnlyList<string> names)
    {
        var failing = names.Select(n => CaseLine(r, n)).Where(l => !l.EndsWith("  PASS", StringComparison.Ordinal)).ToList();
        Assert.True(failing.Count == 0, $"{failing.Count} cases fail:\n{string.Join("\n", failing)}");
        Assert.Equal($"{names.Count} passed, 0 failed", LastLine(r));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Equal("", r.Error);
    }

    [Fact]
    public void TheProjectsOptimizerRecordingPasses()
    {
        var r = CliRunner.Run("check", "optimizers", OptimizersFixture);
        AssertAllPass(r, OptimizerFixtures.Recording.Cases.Select(c => c.Name).ToList());
        Assert.StartsWith($"{OptimizersFixture}: {OptimizerFixtures.Recording.Cases.Count} cases recorded with torch 1.13", r.Output);
        Assert.Matches(@"^SGD momentum=0\.9 nesterov +SGD\(lr=0\.05, momentum=0\.9, nesterov=True\) +max abs 0 +max rel 0 +PASS$",
            CaseLine(r, "SGD momentum=0.9 nesterov"));
    }

    [Fact]
    public void TheProjectsScheduleRecordingPasses()
    {
        var r = CliRunner.Run("check", "schedules", SchedulesFixture);
        AssertAllPass(r, ScheduleRecording.Load(SchedulesFixture).Cases.Select(c => c.Name).ToList());
        Assert.Matches(@"^StepLR step_size=5 gamma=0\.5 +StepLR\(step_size=5, gamma=0\.5\) +max abs 0 +max rel 0 +PASS$",
            CaseLine(r, "StepLR step_size=5 gamma=0.5"));
    }

    [Fact]
    public void APerturbedOptimizerRecordingFailsNamingTheCaseAndTheValue()
    {
        var doc = JsonNode.Parse(File.ReadAllText(OptimizersFixture))!;
        var cases = doc["cases"]!.AsArray();
        var perturbed = cases.Single(c => (string)c!["name"]! == "SGD momentum=0.9")!;
        var value = perturbed["params_after_step"]![6]![3]!.AsArray();
        float torch = (float)value[4]!, changed = torch * 1.001f + 1e-3f;
        value[4] = changed;
        using var file = new TempFile(doc.ToJsonString());

        var r = CliRunner.Run("check", "optimizers", file.Path);
        Assert.Equal(ExitCodes.CheckFailed, r.ExitCode);
        Assert.Contains(
            $"FAIL  step 7, tensor p3, params element 4: torch {PythonText.Number(changed)}, Descent {PythonText.Number(torch)}",
            CaseLine(r, "SGD momentum=0.9"));
        foreach (var other in new[] { "SGD plain", "SGD momentum=0.9 dampening=0.5", "SGD momentum=0.9 lr halved", "Adagrad defaults" })
            Assert.EndsWith("  PASS", CaseLine(r, other));
        Assert.Matches(@"^\d+ passed, [1-9]\d* failed$", LastLine(r));

        var some = CliRunner.Run("check", "optimizers", file.Path, "--case", "SGD momentum=0.9", "--case", "SGD plain");
        Assert.Equal(ExitCodes.CheckFailed, some.ExitCode);
        Assert.Equal("1 passed, 1 failed", LastLine(some));
        Assert.Equal(4, some.Output.TrimEnd().Split('\n').Length);

        var loose = CliRunner.Run("check", "optimizers", file.Path, "--case", "SGD momentum=0.9", "--rtol", "0.01", "--atol", "0.01");
        Assert.Equal(ExitCodes.Success, loose.ExitCode);
        Assert.Equal("1 passed, 0 failed", LastLine(loose));
        Assert.Contains("rtol 0.01, atol 0.01", loose.Output);
    }

    [Fact]
    public void APerturbedScheduleRecordingFailsNamingTheCaseAndTheValue()
    {
        var doc = JsonNode.Parse(File.ReadAllText(SchedulesFixture))!;
        var perturbed = doc["cases"]!.AsArray().Single(c => (string)c!["name"]! == "StepLR step_size=7")!;
        double torch = (double)perturbed["lr"]![10]!;
        perturbed["lr"]![10] = torch * 1.01;
        using var file = new TempFile(doc.ToJsonString());

        var r = CliRunner.Run("check", "schedules", file.Path);
        Assert.Equal(ExitCodes.CheckFailed, r.ExitCode);
        Assert.Contains($"FAIL  step 11, group 0, lr: torch {PythonText.Number(torch * 1.01)}, Descent {PythonText.Number(torch)}",
            CaseLine(r, "StepLR step_size=7"));
        Assert.EndsWith("  PASS", CaseLine(r, "StepLR step_size=5 gamma=0.5"));
    }

    [Fact]
    public void AnUnknownOptimizerOrOptionFailsItsCaseByName()
    {
        var doc = JsonNode.Parse(File.ReadAllText(OptimizersFixture))!;
        var plain = doc["cases"]!.AsArray().Single(c => (string)c!["name"]! == "SGD plain")!;
        var unknown = plain.DeepClone();
        unknown["name"] = "fancy optimizer";
        unknown["optimizer"] = "FancyOpt";
        var option = plain.DeepClone();
        option["name"] = "fancy option";
        option["options"]!["fancy_option"] = 1;
        doc["cases"] = new JsonArray(plain.DeepClone(), unknown, option);
        using var file = new TempFile(doc.ToJsonString());

        var r = CliRunner.Run("check", "optimizers", file.Path);
        Assert.Equal(ExitCodes.CheckFailed, r.ExitCode);
        Assert.EndsWith("  PASS", CaseLine(r, "SGD plain"));
        Assert.Matches(@"FancyOpt\(lr=0\.1\) +max abs - +max rel - +FAIL  unknown optimizer 'FancyOpt'", CaseLine(r, "fancy optimizer"));
        Assert.Matches(@"FAIL  SGD has no option 'fancy_option'", CaseLine(r, "fancy option"));
        Assert.Equal("1 passed, 2 failed", LastLine(r));
    }

    [Fact]
    public void AnUnknownSchedulerFailsItsCaseByName()
    {
        var doc = JsonNode.Parse(File.ReadAllText(SchedulesFixture))!;
        var step = doc["cases"]!.AsArray().Single(c => (string)c!["name"]! == "StepLR step_size=7")!;
        var unknown = step.DeepClone();
        unknown["name"] = "fancy scheduler";
        unknown["scheduler"] = "FancyLR";
        doc["cases"] = new JsonArray(step.DeepClone(), unknown);
        using var file = new TempFile(doc.ToJsonString());

        var r = CliRunner.Run("check", "schedules", file.Path);
        Assert.Equal(ExitCodes.CheckFailed, r.ExitCode);
        Assert.Contains("FAIL  unknown scheduler 'FancyLR'", CaseLine(r, "fancy scheduler"));
        Assert.Equal("1 passed, 1 failed", LastLine(r));
    }

    [Theory]
    [InlineData("optimizers")]
    [InlineData("schedules")]
    public void ATruncatedFileIsABadFileNamingThePathAndTheLine(string kind)
    {
        string text = File.ReadAllText(kind == "optimizers" ? OptimizersFixture : SchedulesFixture);
        using var file = new TempFile(text[..(text.Length / 3)]);
        var r = CliRunner.Run("check", kind, file.Path);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.StartsWith($"descent: error: {file.Path}: $", r.Error);
        Assert.Contains("is not valid JSON at line ", r.Error);
        Assert.Equal("", r.Output);
    }

    [Fact]
    public void AValueOfTheWrongTypeIsABadFileNamingThePathAndTheJsonLocation()
    {
        var doc = JsonNode.Parse(File.ReadAllText(OptimizersFixture))!;
        doc["cases"]![2]!["grads"]![3]![1] = "oops";
        using var optimizers = new TempFile(doc.ToJsonString());
        var r = CliRunner.Run("check", "optimizers", optimizers.Path);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Equal($"descent: error: {optimizers.Path}: $.cases[2].grads[3][1] must be an array, got string \"oops\"", r.Error.TrimEnd());

        var schedules = JsonNode.Parse(File.ReadAllText(SchedulesFixture))!;
        schedules["cases"]![5]!["lr"]![3] = true;
        using var bad = new TempFile(schedules.ToJsonString());
        var s = CliRunner.Run("check", "schedules", bad.Path);
        Assert.Equal(ExitCodes.BadData, s.ExitCode);
        Assert.Equal($"descent: error: {bad.Path}: $.cases[5].lr[3] must be a finite number, got true true", s.Error.TrimEnd());
    }

    [Theory]
    [InlineData("optimizers")]
    [InlineData("schedules")]
    public void AMissingFileIsABadFile(string kind)
    {
        string path = Path.Combine(Path.GetTempPath(), $"descent-missing-{Guid.NewGuid():N}.json");
        var r = CliRunner.Run("check", kind, path);
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Equal($"descent: error: {path}: no such file", r.Error.TrimEnd());
    }

    [Theory]
    [InlineData("--rtol", "-1", "invalid --rtol")]
    [InlineData("--atol", "nan", "invalid --atol")]
    [InlineData("--case", "no such case", "no case named 'no such case'")]
    public void BadOptionsAreUsageErrors(string option, string value, string expected)
    {
        var r = CliRunner.Run("check", "schedules", SchedulesFixture, option, value);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void CheckNeedsAKindAndAFile()
    {
        Assert.Equal(ExitCodes.BadArguments, CliRunner.Run("check").ExitCode);
        Assert.Equal(ExitCodes.BadArguments, CliRunner.Run("check", "optimizers").ExitCode);
        Assert.Equal(ExitCodes.BadArguments, CliRunner.Run("check", "gradients", "x.json").ExitCode);
    }

    /// <summary>A temporary .json file, deleted on dispose.</summary>
    private sealed class TempFile : IDisposable
    {
        public TempFile(string text)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"descent-check-{Guid.NewGuid():N}.json");
            File.WriteAllText(Path, text);
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
