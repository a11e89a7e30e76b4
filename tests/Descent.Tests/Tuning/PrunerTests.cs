using Descent.Lab.Tuning;

namespace Descent.Tests.Tuning;

public class PrunerTests
{
    private static readonly Objective Maximize = new("test_accuracy", false, Direction.Maximize);

    private static TrialRecord Trial(int number, TrialState state, params double[] curve) => new()
    {
        Id = number, Number = number, State = state, Params = new Dictionary<string, ParameterValue>(),
        Intermediate = curve.Select((v, i) => (i + 1, v)).ToDictionary(p => p.Item1, p => p.v),
    };

    [Fact]
    public void AshaPromotesTheTopQuarterAtEachRung()
    {
        var asha = new AshaPruner(Maximize);
        Assert.True(asha.IsRung(1) && asha.IsRung(4) && asha.IsRung(16) && !asha.IsRung(2));
        var others = Enumerable.Range(0, 7).Select(i => Trial(i, TrialState.Complete, 0.1 * i)).ToList();   // 0 … 0.6 at epoch 1
        var good = Trial(7, TrialState.Running, 0.65);
        var bad = Trial(8, TrialState.Running, 0.45);
        Assert.False(asha.ShouldPrune(good, 1, 10, [.. others, good]));   // 8 competitors: the best 2 continue
        Assert.True(asha.ShouldPrune(bad, 1, 10, [.. others, bad]));
        Assert.False(asha.ShouldPrune(Trial(9, TrialState.Running, 0.0), 1, 10, [Trial(9, TrialState.Running, 0.0)]));   // alone: the best
        Assert.False(asha.ShouldPrune(Trial(8, TrialState.Running, 0.45, 0.4), 2, 10, [.. others, bad]));   // epoch 2 is no rung
    }

    [Fact]
    public void TheMedianRuleWaitsForFiveCompleteTrials()
    {
        var median = new MedianPruner(Maximize);
        var four = Enumerable.Range(0, 4).Select(i => Trial(i, TrialState.Complete, 0.5, 0.6)).ToList();
        var low = Trial(9, TrialState.Running, 0.1);
        Assert.False(median.ShouldPrune(low, 1, 2, [.. four, low]));
        var five = four.Append(Trial(4, TrialState.Complete, 0.5, 0.6)).ToList();
        Assert.True(median.ShouldPrune(low, 1, 2, [.. five, low]));
        Assert.False(median.ShouldPrune(Trial(9, TrialState.Running, 0.7), 1, 2, [.. five]));
    }

    [Fact]
    public void HyperbandSplitsTrialsIntoBracketsWithLaterFirstRungs()
    {
        var hb = new HyperbandPruner(Maximize, 16);   // s_max = 2: brackets with first rungs at 1, 4 and 16 epochs
        Assert.Equal([0, 1, 2, 0], new[] { 0, 1, 2, 3 }.Select(hb.Bracket));
        var bad = Trial(1, TrialState.Running, 0.1);
        var strong = Enumerable.Range(0, 8).Select(i => Trial(3 * i + 4, TrialState.Complete, 0.9)).ToList();   // bracket 1 trials
        Assert.False(hb.ShouldPrune(bad, 1, 16, [.. strong, bad]));   // bracket 1 has no rung at epoch 1
    }
}
