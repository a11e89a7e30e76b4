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
    /// <summary>The fixture's path relative to the test project (and its output directory).</summary>
    public const string RelativePath = "Conformance/Fixtures/optimizers.json";

    private static readonly Lazy<OptimizerRecording> Lazy = new(() => OptimizerRecording.Load(Locate()));

    /// <summary>The parsed optimizers.json (loaded once).</summary>
    public static OptimizerRecording Recording => Lazy.Value;

    /// <summary>The fixture file, as the build copied it beside the test assembly (recorded by tools/fixtures/record_optimizers.py).</summary>
    public static string Locate() => TestFiles.Find(RelativePath);
}
