using Descent.Optim;
using Descent.Schedules;
using static Descent.Tests.Schedules.Probes;

namespace Descent.Tests.Schedules;

/// <summary>The pure step → value schedules: hand-checked values and one test per argument rule.</summary>
public class PureScheduleTests
{
    [Fact]
    public void TheSeedsMomentumRampGoesFromHalfToNineTenthsThenHolds()
    {
        var ramp = Schedule.MomentumRamp(4);
        double[] expected = [0.5, 0.6, 0.7, 0.8, 0.9, 0.9, 0.9];
        var values = ramp.Values(7);
        for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], values[i], 15);
    }

    [Fact]
    public void TheMomentumRampDrivesSgdPerEpoch()
    {
        var sgd = Sgd(0.1, momentum: 0.0);
        var scheduler = new HyperParameterScheduler(sgd, HyperParameter.Momentum, Schedule.MomentumRamp(4));
        var seen = new List<double>();
        for (int epoch = 0; epoch < 6; epoch++)
        {
            seen.Add(sgd.Group(0).Options.Momentum);
            scheduler.Step();
        }
        Assert.Equal([0.5, 0.6, 0.7, 0.8, 0.9, 0.9], seen.Select(v => Math.Round(v, 12)));
        Assert.Equal(0.1, sgd.Group(0).Options.Lr);
    }

    [Fact]
    public void WarmupCosineHandValues()
    {
        // peak 1 after 4 warmup steps, cosine to 0 at step 12
        var s = Schedule.WarmupCosine(peak: 1.0, warmupSteps: 4, totalSteps: 12);
        Assert.Equal(0.0, s[0]);
        Assert.Equal(0.25, s[1]);
        Assert.Equal(0.5, s[2]);
        Assert.Equal(1.0, s[4]);
        Assert.Equal((1 + Math.Cos(Math.PI / 4)) / 2, s[6], 15);   // 0.853553…
        Assert.Equal(0.5, s[8], 15);                                // cos(π/2) = 0
        Assert.Equal(0.0, s[12]);
        Assert.Equal(0.0, s[100]);
    }

    [Fact]
    public void WarmupCosineWithStartAndEnd()
    {
        var s = Schedule.WarmupCosine(peak: 0.1, warmupSteps: 2, totalSteps: 6, start: 0.01, end: 0.001);
        Assert.Equal(0.01, s[0]);
        Assert.Equal(0.055, s[1], 15);
        Assert.Equal(0.1, s[2]);
        Assert.Equal(0.001 + 0.099 * 0.5, s[4], 15);
        Assert.Equal(0.001, s[6]);
    }

    [Fact]
    public void WarmupCosineWithoutWarmupIsACosineDecay()
    {
        var s = Schedule.WarmupCosine(peak: 2.0, warmupSteps: 0, totalSteps: 10);
        var c = Schedule.Cosine(2.0, 0.0, 10);
        for (int t = 0; t <= 12; t++) Assert.Equal(c[t], s[t], 15);
    }

    [Fact]
    public void WarmupStableDecayHandValues()
    {
        // warmup 2, stable 3, decay 4, from 0 to 1 then down to 0.1
        var s = Schedule.WarmupStableDecay(peak: 1.0, warmupSteps: 2, stableSteps: 3, decaySteps: 4, end: 0.1);
        double[] expected = [0.0, 0.5, 1.0, 1.0, 1.0, 1.0, 0.775, 0.55, 0.325, 0.1, 0.1];
        for (int t = 0; t < expected.Length; t++) Assert.Equal(expected[t], s[t], 15);
    }

    [Fact]
    public void WarmupStableDecayShapes()
    {
        var cosine = Schedule.WarmupStableDecay(1.0, 0, 0, 4, end: 0.1, shape: DecayShape.Cosine);
        Assert.Equal(1.0, cosine[0]);
        Assert.Equal(0.1 + 0.9 * (1 + Math.Cos(Math.PI / 4)) / 2, cosine[1], 15);
        Assert.Equal(0.55, cosine[2], 15);
        var sqrt = Schedule.WarmupStableDecay(1.0, 0, 0, 4, end: 0.1, shape: DecayShape.Sqrt);
        Assert.Equal(0.1 + 0.9 * 0.5, sqrt[1], 15);                  // u = 1/4, √u = 1/2
        Assert.Equal(0.1 + 0.9 * (1 - Math.Sqrt(0.5)), sqrt[2], 15);
        Assert.Equal(0.1, sqrt[4]);
    }

    [Fact]
    public void OtherSchedulesHandValues()
    {
        Assert.Equal(0.5, Schedule.Constant(0.5)[1000]);
        var cos = Schedule.Cosine(1.0, 0.0, 4).Values(6);
        double[] halfCosine = [1.0, (1 + Math.Sqrt(0.5)) / 2, 0.5, (1 - Math.Sqrt(0.5)) / 2, 0.0, 0.0];
        for (int t = 0; t < halfCosine.Length; t++) Assert.Equal(halfCosine[t], cos[t], 15);
        Assert.Equal([1.0, 0.5, 0.25, 0.2], Schedule.Exponential(1.0, 0.5, bound: 0.2).Values(4));
        Assert.Equal([1.0, 0.5625, 0.25, 0.0625, 0.0, 0.0], Schedule.Polynomial(1.0, 0.0, 4, power: 2).Values(6));
        var joined = Schedule.Join([Schedule.Linear(0, 1, 2), Schedule.Exponential(1, 0.5)], [2]);
        Assert.Equal([0.0, 0.5, 1.0, 0.5, 0.25], joined.Values(5));
        Assert.Equal([3.0, 4.0], Schedule.FromFunction(t => t + 3).Values(2));
    }

    [Fact]
    public void ASchedulesLrFromAPureSchedule()
    {
        var sgd = Sgd(0.1, 0.9);
        var s = new HyperParameterScheduler(sgd, HyperParameter.Lr, Schedule.WarmupCosine(0.1, 2, 6));
        var lrs = new List<double>();
        for (int t = 0; t < 7; t++) { lrs.Add(sgd.Group(0).Options.Lr); s.Step(); }
        Assert.Equal(Schedule.WarmupCosine(0.1, 2, 6).Values(7), lrs);
        Assert.Equal(0.9, sgd.Group(0).Options.Momentum);
    }

    [Fact]
    public void WeightDecayAndBetasAreSchedulable()
    {
        var sgd = Sgd(0.1, 0.9);
        var wd = new HyperParameterScheduler(sgd, HyperParameter.WeightDecay, Schedule.Linear(0, 1e-4, 2));
        wd.Step();
        Assert.Equal(5e-5, sgd.Group(0).Options.WeightDecay, 15);
        var beta = Beta();
        var b1 = new HyperParameterScheduler(beta, HyperParameter.Beta1, Schedule.Linear(0.95, 0.85, 10));
        Assert.Equal(0.95, beta.Group(0).Options.Beta1);
        b1.Step();
        Assert.Equal(0.94, beta.Group(0).Options.Beta1, 15);
        _ = new HyperParameterScheduler(beta, HyperParameter.Beta2, Schedule.Constant(0.99));
        Assert.Equal(0.99, beta.Group(0).Options.Beta2);
    }

    [Fact]
    public void HyperParametersByName()
    {
        Assert.Same(HyperParameter.Beta1, HyperParameter.Parse("BETA1"));
        var e = Rejects("name", () => HyperParameter.Parse("beta3"));
        Assert.Contains("lr, momentum, beta1, beta2, weight_decay", e.Message);
        Assert.False(HyperParameter.WeightDecay.AppliesTo(Plain().DefaultOptions));
        Assert.False(HyperParameter.Property("x", "Nesterov").AppliesTo(new SgdOptions()));   // a bool, not a double
        var o = new SgdOptions { Lr = 0.1 };
        Rejects("WeightDecay", () => HyperParameter.WeightDecay.Set(o, -1));
        Rejects("options", () => HyperParameter.Beta1.Set(o, 0.9));
    }

    // Argument rules
    [Fact] public void ANegativeStepIsRejected() => Rejects("step", () => _ = Schedule.Linear(0, 1, 5)[-1]);
    [Fact] public void ConstantNaN() => Rejects("value", () => Schedule.Constant(double.NaN));
    [Fact] public void FunctionNull() => Rejects("function", () => Schedule.FromFunction(null!));
    [Fact] public void LinearNaNStart() => Rejects("start", () => Schedule.Linear(double.NaN, 1, 5));
    [Fact] public void LinearInfiniteEnd() => Rejects("end", () => Schedule.Linear(0, double.PositiveInfinity, 5));
    [Fact] public void LinearZeroSteps() => Rejects("steps", () => Schedule.Linear(0, 1, 0));
    [Fact] public void CosineZeroSteps() => Rejects("steps", () => Schedule.Cosine(1, 0, 0));
    [Fact] public void CosineNaNEnd() => Rejects("end", () => Schedule.Cosine(1, double.NaN, 5));
    [Fact] public void ExponentialNegativeGamma() => Rejects("gamma", () => Schedule.Exponential(1, -0.5));
    [Fact] public void ExponentialNaNBound() => Rejects("bound", () => Schedule.Exponential(1, 0.5, double.NaN));
    [Fact] public void PolynomialNegativePower() => Rejects("power", () => Schedule.Polynomial(1, 0, 5, -1));
    [Fact] public void PolynomialZeroSteps() => Rejects("steps", () => Schedule.Polynomial(1, 0, 0));
    [Fact] public void WarmupCosineNaNPeak() => Rejects("peak", () => Schedule.WarmupCosine(double.NaN, 1, 5));
    [Fact] public void WarmupCosineNegativeWarmup() => Rejects("warmupSteps", () => Schedule.WarmupCosine(1, -1, 5));
    [Fact] public void WarmupCosineTotalNotBeyondWarmup() => Rejects("totalSteps", () => Schedule.WarmupCosine(1, 5, 5));
    [Fact] public void WarmupCosineNaNStart() => Rejects("start", () => Schedule.WarmupCosine(1, 1, 5, start: double.NaN));
    [Fact] public void WsdNegativeWarmup() => Rejects("warmupSteps", () => Schedule.WarmupStableDecay(1, -1, 0, 5));
    [Fact] public void WsdNegativeStable() => Rejects("stableSteps", () => Schedule.WarmupStableDecay(1, 0, -1, 5));
    [Fact] public void WsdZeroDecay() => Rejects("decaySteps", () => Schedule.WarmupStableDecay(1, 0, 0, 0));
    [Fact] public void WsdUnknownShape() => Rejects("shape", () => Schedule.WarmupStableDecay(1, 0, 0, 5, shape: (DecayShape)8));
    [Fact] public void WsdNaNEnd() => Rejects("end", () => Schedule.WarmupStableDecay(1, 0, 0, 5, end: double.NaN));
    [Fact] public void JoinedNoSchedules() => Rejects("schedules", () => Schedule.Join([], []));
    [Fact] public void JoinedWrongNumberOfBoundaries() => Rejects("boundaries", () => Schedule.Join([Schedule.Constant(1), Schedule.Constant(2)], []));
    [Fact] public void JoinedBoundaryZero() => Rejects("boundaries", () => Schedule.Join([Schedule.Constant(1), Schedule.Constant(2)], [0]));
    [Fact] public void JoinedNullSchedule() => Rejects("schedules", () => Schedule.Join([Schedule.Constant(1), null!], [3]));
}
