using Descent.Conformance;
using Descent.Optim;

namespace Descent.Tests.Conformance;

/// <summary>
/// Replays every recorded torch.optim run (tests/Descent.Tests/Conformance/Fixtures/optimizers.json, written by
/// tools/fixtures/record_optimizers.py) through <see cref="OptimizerReplay"/> (which builds the optimizer with
/// <see cref="OptimizerCatalog"/>) and requires the parameters and the per-parameter state to match torch's after
/// every step.
/// </summary>
public class OptimizerConformanceTests
{
    /// <summary>Relative and absolute tolerance: |ours − torch| ≤ Atol + Rtol·|torch|.</summary>
    public const double Rtol = ConformanceResult.DefaultRtol, Atol = ConformanceResult.DefaultAtol;

    public static TheoryData<string> CaseNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in OptimizerFixtures.Recording.Cases) data.Add(c.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesPyTorch(string caseName)
    {
        var c = OptimizerFixtures.Recording.Cases.Single(x => x.Name == caseName);
        var result = OptimizerReplay.Run(c, Rtol, Atol);
        Assert.True(result.Passed, $"case '{c.Name}', {result.Failure}");
        Assert.True(result.MaxAbsoluteDeviation >= 0 && result.MaxRelativeDeviation >= 0);
    }
}

/// <summary>Finds and loads the recorded fixtures from the source tree.</summary>
public static class OptimizerFixtures
{
    /// <summary>The fixture's path relative to the repository root.</summary>
    public const string RelativePath = "tests/Descent.Tests/Conformance/Fixtures/optimizers.json";

    private static readonly Lazy<OptimizerRecording> Lazy = new(() => OptimizerRecording.Load(Locate()));

    /// <summary>The parsed optimizers.json (loaded once).</summary>
    public static OptimizerRecording Recording => Lazy.Value;

    /// <summary>
    /// The fixture file, found by walking up from the test assembly's directory to the repository root (the test
    /// project does not copy it to the output directory).
    /// </summary>
    public static string Locate()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            string candidate = Path.Combine(dir.FullName, RelativePath);
            if (File.Exists(candidate)) return candidate;
        }
        throw new FileNotFoundException(
            $"{RelativePath} was not found in any directory above {AppContext.BaseDirectory}; record it with tools/fixtures/record_optimizers.py");
    }
}
