using Descent.Schedules;
using static Descent.Tests.Schedules.Probes;

namespace Descent.Tests.Schedules;

/// <summary>One test per argument rule of the torch schedulers; a rejected argument leaves the optimizer as it was.</summary>
public class SchedulerValidationTests
{
    // StepLR
    [Fact] public void StepLRStepSizeZero() => Rejects("stepSize", () => new StepLR(Sgd(), 0));
    [Fact] public void StepLRNegativeGamma() => Rejects("gamma", () => new StepLR(Sgd(), 5, -0.1));
    [Fact] public void StepLRNaNGamma() => Rejects("gamma", () => new StepLR(Sgd(), 5, double.NaN));
    [Fact] public void StepLRInfiniteGamma() => Rejects("gamma", () => new StepLR(Sgd(), 5, double.PositiveInfinity));

    // MultiStepLR
    [Fact] public void MultiStepLRNullMilestones() => Rejects("milestones", () => new MultiStepLR(Sgd(), null!));
    [Fact] public void MultiStepLRNegativeMilestone() => Rejects("milestones", () => new MultiStepLR(Sgd(), [-1, 5]));
    [Fact] public void MultiStepLRRepeatedMilestone() => Rejects("milestones", () => new MultiStepLR(Sgd(), [5, 5]));
    [Fact] public void MultiStepLRDecreasingMilestones() => Rejects("milestones", () => new MultiStepLR(Sgd(), [10, 5]));
    [Fact] public void MultiStepLRNegativeGamma() => Rejects("gamma", () => new MultiStepLR(Sgd(), [5], -1));

    // ConstantLR
    [Fact] public void ConstantLRZeroFactor() => Rejects("factor", () => new ConstantLR(Sgd(), 0));
    [Fact] public void ConstantLRFactorAboveOne() => Rejects("factor", () => new ConstantLR(Sgd(), 1.5));
    [Fact] public void ConstantLRNaNFactor() => Rejects("factor", () => new ConstantLR(Sgd(), double.NaN));
    [Fact] public void ConstantLRZeroTotalIters() => Rejects("totalIters", () => new ConstantLR(Sgd(), 0.5, 0));

    // LinearLR
    [Fact] public void LinearLRZeroStartFactor() => Rejects("startFactor", () => new LinearLR(Sgd(), 0));
    [Fact] public void LinearLRStartFactorAboveOne() => Rejects("startFactor", () => new LinearLR(Sgd(), 1.1));
    [Fact] public void LinearLRNegativeEndFactor() => Rejects("endFactor", () => new LinearLR(Sgd(), 0.5, -0.1));
    [Fact] public void LinearLREndFactorAboveOne() => Rejects("endFactor", () => new LinearLR(Sgd(), 0.5, 1.5));
    [Fact] public void LinearLRZeroTotalIters() => Rejects("totalIters", () => new LinearLR(Sgd(), 0.5, 1, 0));

    // ExponentialLR
    [Fact] public void ExponentialLRNegativeGamma() => Rejects("gamma", () => new ExponentialLR(Sgd(), -0.9));
    [Fact] public void ExponentialLRNaNGamma() => Rejects("gamma", () => new ExponentialLR(Sgd(), double.NaN));

    // PolynomialLR
    [Fact] public void PolynomialLRZeroTotalIters() => Rejects("totalIters", () => new PolynomialLR(Sgd(), 0));
    [Fact] public void PolynomialLRNegativePower() => Rejects("power", () => new PolynomialLR(Sgd(), 5, -1));
    [Fact] public void PolynomialLRNaNPower() => Rejects("power", () => new PolynomialLR(Sgd(), 5, double.NaN));

    // CosineAnnealingLR
    [Fact] public void CosineAnnealingLRZeroTMax() => Rejects("tMax", () => new CosineAnnealingLR(Sgd(), 0));
    [Fact] public void CosineAnnealingLRNegativeEtaMin() => Rejects("etaMin", () => new CosineAnnealingLR(Sgd(), 10, -0.1));
    [Fact] public void CosineAnnealingLRNaNEtaMin() => Rejects("etaMin", () => new CosineAnnealingLR(Sgd(), 10, double.NaN));

    // CosineAnnealingWarmRestarts
    [Fact] public void WarmRestartsZeroT0() => Rejects("t0", () => new CosineAnnealingWarmRestarts(Sgd(), 0));
    [Fact] public void WarmRestartsZeroTMult() => Rejects("tMult", () => new CosineAnnealingWarmRestarts(Sgd(), 5, 0));
    [Fact] public void WarmRestartsNegativeEtaMin() => Rejects("etaMin", () => new CosineAnnealingWarmRestarts(Sgd(), 5, 1, -1));
    [Fact] public void WarmRestartsNegativeEpoch() => Rejects("epoch", () => new CosineAnnealingWarmRestarts(Sgd(), 5).Step(-0.5));
    [Fact] public void WarmRestartsNaNEpoch() => Rejects("epoch", () => new CosineAnnealingWarmRestarts(Sgd(), 5).Step(double.NaN));

    // CyclicLR
    [Fact] public void CyclicLRNegativeBaseLr() => Rejects("baseLr", () => new CyclicLR(Sgd(), -0.01, 0.1));
    [Fact] public void CyclicLRNaNMaxLr() => Rejects("maxLr", () => new CyclicLR(Sgd(), 0.01, double.NaN));
    [Fact] public void CyclicLRMaxLrListOfWrongLength() => Rejects("maxLr", () => new CyclicLR(Sgd(), 0.01, new[] { 0.1, 0.2 }));
    [Fact] public void CyclicLRZeroStepSizeUp() => Rejects("stepSizeUp", () => new CyclicLR(Sgd(), 0.01, 0.1, 0));
    [Fact] public void CyclicLRZeroStepSizeDown() => Rejects("stepSizeDown", () => new CyclicLR(Sgd(), 0.01, 0.1, 5, 0));
    [Fact] public void CyclicLRUnknownMode() => Rejects("mode", () => new CyclicLR(Sgd(), 0.01, 0.1, mode: (CyclicMode)7));
    [Fact] public void CyclicLRZeroGamma() => Rejects("gamma", () => new CyclicLR(Sgd(), 0.01, 0.1, mode: CyclicMode.ExpRange, gamma: 0));
    [Fact] public void CyclicLRScaleModeWithoutScaleFn() => Rejects("scaleMode", () => new CyclicLR(Sgd(), 0.01, 0.1, scaleMode: ScaleMode.Iterations));
    [Fact] public void CyclicLRCyclingMomentumOfAnOptimizerWithout() => Rejects("cycleMomentum", () => new CyclicLR(Beta(), 0.01, 0.1));
    [Fact] public void CyclicLRNegativeBaseMomentum() => Rejects("baseMomentum", () => new CyclicLR(Sgd(), 0.01, 0.1, baseMomentum: -0.8));
    [Fact] public void CyclicLRNegativeMaxMomentum() => Rejects("maxMomentum", () => new CyclicLR(Sgd(), 0.01, 0.1, maxMomentum: -0.9));

    // OneCycleLR
    [Fact] public void OneCycleLRWithoutLength() => Rejects("totalSteps", () => new OneCycleLR(Sgd(), 0.1));
    [Fact] public void OneCycleLRZeroTotalSteps() => Rejects("totalSteps", () => new OneCycleLR(Sgd(), 0.1, totalSteps: 0));
    [Fact] public void OneCycleLRTotalStepsAndEpochs() => Rejects("totalSteps", () => new OneCycleLR(Sgd(), 0.1, totalSteps: 10, epochs: 2, stepsPerEpoch: 5));
    [Fact] public void OneCycleLREpochsWithoutStepsPerEpoch() => Rejects("stepsPerEpoch", () => new OneCycleLR(Sgd(), 0.1, epochs: 2));
    [Fact] public void OneCycleLRStepsPerEpochWithoutEpochs() => Rejects("epochs", () => new OneCycleLR(Sgd(), 0.1, stepsPerEpoch: 5));
    [Fact] public void OneCycleLRZeroEpochs() => Rejects("epochs", () => new OneCycleLR(Sgd(), 0.1, epochs: 0, stepsPerEpoch: 5));
    [Fact] public void OneCycleLRZeroStepsPerEpoch() => Rejects("stepsPerEpoch", () => new OneCycleLR(Sgd(), 0.1, epochs: 2, stepsPerEpoch: 0));
    [Fact] public void OneCycleLRNegativePctStart() => Rejects("pctStart", () => new OneCycleLR(Sgd(), 0.1, 10, pctStart: -0.1));
    [Fact] public void OneCycleLRPctStartAboveOne() => Rejects("pctStart", () => new OneCycleLR(Sgd(), 0.1, 10, pctStart: 1.1));
    [Fact] public void OneCycleLRPctStartMakingAnEmptyFirstPhase() => Rejects("pctStart", () => new OneCycleLR(Sgd(), 0.1, 10, pctStart: 0.1));
    [Fact] public void OneCycleLRUnknownAnnealStrategy() => Rejects("annealStrategy", () => new OneCycleLR(Sgd(), 0.1, 10, annealStrategy: (AnnealStrategy)9));
    [Fact] public void OneCycleLRNegativeMaxLr() => Rejects("maxLr", () => new OneCycleLR(Sgd(), -0.1, 10));
    [Fact] public void OneCycleLRMaxLrListOfWrongLength() => Rejects("maxLr", () => new OneCycleLR(Sgd(0.1, 0.9, 0.2), new[] { 0.1 }, 10));
    [Fact] public void OneCycleLRZeroDivFactor() => Rejects("divFactor", () => new OneCycleLR(Sgd(), 0.1, 10, divFactor: 0));
    [Fact] public void OneCycleLRZeroFinalDivFactor() => Rejects("finalDivFactor", () => new OneCycleLR(Sgd(), 0.1, 10, finalDivFactor: 0));
    [Fact] public void OneCycleLRNegativeBaseMomentum() => Rejects("baseMomentum", () => new OneCycleLR(Sgd(), 0.1, 10, baseMomentum: -1));
    [Fact] public void OneCycleLRNegativeMaxMomentum() => Rejects("maxMomentum", () => new OneCycleLR(Sgd(), 0.1, 10, maxMomentum: double.NaN));
    [Fact] public void OneCycleLRCyclingMomentumOfAnOptimizerWithout() => Rejects("cycleMomentum", () => new OneCycleLR(Plain(), 0.1, 10));

    [Fact]
    public void OneCycleLRSteppingPastTotalStepsThrowsAsTorch()
    {
        var s = new OneCycleLR(Sgd(), 0.1, 3);
        for (int i = 0; i < 3; i++) s.Step();
        var e = Assert.Throws<InvalidOperationException>(s.Step);
        Assert.Contains("Tried to step 5 times. The specified number of total steps is 3", e.Message);
        Assert.Equal(3, s.LastEpoch);
    }

    // LambdaLR, MultiplicativeLR
    [Fact] public void LambdaLRNullLambda() => Rejects("lrLambda", () => new LambdaLR(Sgd(), (Func<long, double>)null!));
    [Fact] public void LambdaLRWrongNumberOfLambdas() => Rejects("lrLambdas", () => new LambdaLR(Sgd(), [_ => 1, _ => 1]));
    [Fact] public void LambdaLRNullAmongLambdas() => Rejects("lrLambdas", () => new LambdaLR(Sgd(0.1, 0.9, 0.2), [_ => 1, null!]));
    [Fact] public void MultiplicativeLRNullLambda() => Rejects("lrLambda", () => new MultiplicativeLR(Sgd(), (Func<long, double>)null!));
    [Fact] public void MultiplicativeLRWrongNumberOfLambdas() => Rejects("lrLambdas", () => new MultiplicativeLR(Sgd(), [_ => 1, _ => 1]));
    [Fact] public void ALambdaGivingANegativeRateIsRejectedByTheOptions() => Rejects("Lr", () => new LambdaLR(Sgd(), _ => -1));

    // SequentialLR, ChainedScheduler
    [Fact] public void SequentialLRNoSchedulers() { var o = Sgd(); Rejects("schedulers", () => new SequentialLR(o, [], [])); }
    [Fact] public void SequentialLRNullSchedulers() => Rejects("schedulers", () => new SequentialLR(Sgd(), null!, []));

    [Fact]
    public void SequentialLRSchedulerOfAnotherOptimizer()
    {
        var o = Sgd();
        Rejects("schedulers", () => new SequentialLR(o, [new ExponentialLR(o, 0.9), new ExponentialLR(Sgd(), 0.9)], [3]));
    }

    [Fact]
    public void SequentialLRSameSchedulerTwice()
    {
        var o = Sgd();
        var e = new ExponentialLR(o, 0.9);
        Rejects("schedulers", () => new SequentialLR(o, [e, e], [3]));
    }

    [Fact]
    public void SequentialLRWrongNumberOfMilestones()
    {
        var o = Sgd();
        Rejects("milestones", () => new SequentialLR(o, [new ExponentialLR(o, 0.9), new StepLR(o, 2)], [3, 6]));
    }

    [Fact]
    public void SequentialLRMilestoneZero()
    {
        var o = Sgd();
        Rejects("milestones", () => new SequentialLR(o, [new ExponentialLR(o, 0.9), new StepLR(o, 2)], [0]));
    }

    [Fact]
    public void SequentialLRDecreasingMilestones()
    {
        var o = Sgd();
        Rejects("milestones", () => new SequentialLR(o, [new ExponentialLR(o, 0.9), new StepLR(o, 2), new StepLR(o, 3)], [6, 3]));
    }

    [Fact]
    public void SequentialLRInsideSequentialLR()
    {
        var o = Sgd();
        var inner = new SequentialLR(o, [new ExponentialLR(o, 0.9)], []);
        Rejects("schedulers", () => new SequentialLR(o, [new StepLR(o, 2), inner], [3]));
    }

    [Fact] public void ChainedSchedulerNull() => Rejects("schedulers", () => new ChainedScheduler(null!));
    [Fact] public void ChainedSchedulerEmpty() => Rejects("schedulers", () => new ChainedScheduler([]));
    [Fact] public void ChainedSchedulerOfTwoOptimizers() => Rejects("schedulers", () => new ChainedScheduler([new StepLR(Sgd(), 2), new StepLR(Sgd(), 3)]));

    [Fact]
    public void ChainedSchedulerSameSchedulerTwice()
    {
        var s = new StepLR(Sgd(), 2);
        Rejects("schedulers", () => new ChainedScheduler([s, s]));
    }

    // ReduceLROnPlateau
    [Fact] public void PlateauUnknownMode() => Rejects("mode", () => new ReduceLROnPlateau(Sgd(), (PlateauMode)3));
    [Fact] public void PlateauFactorOne() => Rejects("factor", () => new ReduceLROnPlateau(Sgd(), factor: 1.0));
    [Fact] public void PlateauNegativeFactor() => Rejects("factor", () => new ReduceLROnPlateau(Sgd(), factor: -0.5));
    [Fact] public void PlateauNegativePatience() => Rejects("patience", () => new ReduceLROnPlateau(Sgd(), patience: -1));
    [Fact] public void PlateauNegativeThreshold() => Rejects("threshold", () => new ReduceLROnPlateau(Sgd(), threshold: -1e-4));
    [Fact] public void PlateauRelativeThresholdOfOne() => Rejects("threshold", () => new ReduceLROnPlateau(Sgd(), threshold: 1));
    [Fact] public void PlateauUnknownThresholdMode() => Rejects("thresholdMode", () => new ReduceLROnPlateau(Sgd(), thresholdMode: (ThresholdMode)5));
    [Fact] public void PlateauNegativeCooldown() => Rejects("cooldown", () => new ReduceLROnPlateau(Sgd(), cooldown: -1));
    [Fact] public void PlateauNegativeMinLr() => Rejects("minLr", () => new ReduceLROnPlateau(Sgd(), minLr: -0.1));
    [Fact] public void PlateauMinLrListOfWrongLength() => Rejects("minLr", () => new ReduceLROnPlateau(Sgd(), minLr: new[] { 0.1, 0.2 }));
    [Fact] public void PlateauNegativeEps() => Rejects("eps", () => new ReduceLROnPlateau(Sgd(), eps: -1));

    [Fact]
    public void AnAbsoluteThresholdMayExceedOne() => _ = new ReduceLROnPlateau(Sgd(), threshold: 5, thresholdMode: ThresholdMode.Abs);

    [Fact]
    public void ANaNMetricIsNeverAnImprovement()
    {
        var o = Sgd(0.1);
        var p = new ReduceLROnPlateau(o, patience: 1, factor: 0.5);
        p.Step(1.0);
        p.Step(double.NaN);
        Assert.Equal(1, p.NumBadEpochs);
        p.Step(double.NaN);
        Assert.Equal(0.05, o.Group(0).Options.Lr);
    }

    // HyperParameterScheduler
    [Fact] public void HyperParameterSchedulerTargetTheOptionsLack() => Rejects("target", () => new HyperParameterScheduler(Sgd(), HyperParameter.Beta1, Schedule.Constant(0.9)));
    [Fact] public void HyperParameterSchedulerNullTarget() => Rejects("target", () => new HyperParameterScheduler(Sgd(), null!, Schedule.Constant(0.9)));
    [Fact] public void HyperParameterSchedulerWrongNumberOfSchedules() => Rejects("schedules", () => new HyperParameterScheduler(Sgd(), HyperParameter.Momentum, [Schedule.Constant(0.9), Schedule.Constant(0.8)]));
    [Fact] public void HyperParameterSchedulerValueTheOptionsReject() => Rejects("Momentum", () => new HyperParameterScheduler(Sgd(), HyperParameter.Momentum, Schedule.Constant(-0.5)));

    [Fact]
    public void NullOptimizerIsRejected() => Rejects("optimizer", () => new StepLR(null!, 5));

    [Fact]
    public void ARejectedArgumentLeavesTheOptimizerAlone()
    {
        var o = Sgd(0.1, 0.9);
        Rejects("maxMomentum", () => new CyclicLR(o, 0.01, 0.1, maxMomentum: -1));
        Rejects("divFactor", () => new OneCycleLR(o, 1.0, 10, divFactor: -1));
        Assert.Equal(0.1, o.Group(0).Options.Lr);
        Assert.Equal(0.9, o.Group(0).Options.Momentum);
    }
}
