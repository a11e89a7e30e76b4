using Descent.Lab.Schedules;
using Descent.Schedules;
using static Descent.Tests.Schedules.Probes;

namespace Descent.Tests.Schedules;

/// <summary>The command-line syntax [TARGET=]NAME[:KEY=VALUE,...][@step|@epoch], its errors, and building from it.</summary>
public class ScheduleSpecTests
{
    [Fact]
    public void ParsesANameWithOptions()
    {
        var s = ScheduleSpec.Parse("onecycle:max_lr=0.1,total_steps=100");
        Assert.Equal("lr", s.Target);
        Assert.Equal("OneCycleLR", s.Name);
        Assert.Equal(0.1, s.Options["max_lr"]);
        Assert.Equal(100.0, s.Options["total_steps"]);
        Assert.Null(s.Unit);
        Assert.Equal(ScheduleUnit.Step, s.EffectiveUnit);
    }

    [Theory]
    [InlineData("StepLR:step_size=2", "StepLR")]
    [InlineData("steplr:step_size=2", "StepLR")]
    [InlineData("step:step_size=2", "StepLR")]
    [InlineData("multistep:milestones=[30,60]", "MultiStepLR")]
    [InlineData("CONSTANT", "ConstantLR")]
    [InlineData("linear:start_factor=0.1", "LinearLR")]
    [InlineData("exponential:gamma=0.9", "ExponentialLR")]
    [InlineData("polynomial", "PolynomialLR")]
    [InlineData("cosine", "CosineAnnealingLR")]
    [InlineData("restarts:T_0=5", "CosineAnnealingWarmRestarts")]
    [InlineData("cyclic:base_lr=0.01,max_lr=0.1", "CyclicLR")]
    [InlineData("plateau", "ReduceLROnPlateau")]
    [InlineData("ramp:start=0.1,end=0.2", "ramp")]
    [InlineData("Warmup_Cosine", "warmup_cosine")]
    [InlineData("wsd:decay=5", "wsd")]
    public void AcceptsTorchNamesAliasesAndPureSchedules(string text, string name) => Assert.Equal(name, ScheduleSpec.Parse(text).Name);

    [Fact]
    public void ParsesValuesOfEveryKind()
    {
        var s = ScheduleSpec.Parse(" cyclic : base_lr = 1e-3 , max_lr=[0.1, 0.2], mode=triangular2, cycle_momentum=false , step_size_up=4 @ step ");
        Assert.Equal(0.001, s.Options["base_lr"]);
        Assert.Equal(new[] { 0.1, 0.2 }, s.Options["max_lr"]);
        Assert.Equal("triangular2", s.Options["mode"]);
        Assert.Equal(false, s.Options["cycle_momentum"]);
        Assert.Equal(ScheduleUnit.Step, s.Unit);
        Assert.Equal(Array.Empty<double>(), ScheduleSpec.Parse("multistep:milestones=[]").Options["milestones"]);
    }

    [Fact]
    public void ParsesTargetsAndUnits()
    {
        var s = ScheduleSpec.Parse("momentum=ramp:start=0.5,end=0.9,steps=10@epoch");
        Assert.Equal("momentum", s.Target);
        Assert.Equal(ScheduleUnit.Epoch, s.Unit);
        Assert.Equal("weight_decay", ScheduleSpec.Parse("Weight_Decay=wsd:decay=3").Target);
        Assert.Equal(ScheduleUnit.Epoch, ScheduleSpec.Parse("cosine:T_max=5").EffectiveUnit);
        Assert.Equal(ScheduleUnit.Step, ScheduleSpec.Parse("cosine:T_max=5@steps").EffectiveUnit);
        Assert.Equal(ScheduleUnit.Step, ScheduleSpec.Parse("cyclic:base_lr=0.1,max_lr=1").EffectiveUnit);
        Assert.Equal(ScheduleUnit.Epoch, ScheduleSpec.Parse("onecycle:max_lr=0.1@epoch").EffectiveUnit);
    }

    [Theory]
    [InlineData("momentum=ramp:start=0.5,end=0.9,steps=10@epoch")]
    [InlineData("OneCycleLR:max_lr=0.1,total_steps=100,three_phase=true")]
    [InlineData("MultiStepLR:milestones=[30,60],gamma=0.5@step")]
    [InlineData("CyclicLR:base_lr=0.001,max_lr=[0.1,0.2],mode=exp_range")]
    public void ToStringReadsBack(string text)
    {
        var s = ScheduleSpec.Parse(text);
        Assert.Equal(text, s.ToString());
        Assert.Equal(s.ToString(), ScheduleSpec.Parse(s.ToString()).ToString());
    }

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("   ", "it is empty")]
    [InlineData("cosine:", "no options after ':'")]
    [InlineData("cosine:T_max", "has no value")]
    [InlineData("cosine:T_max=", "has no value")]
    [InlineData("cosine:T_max=10,,eta_min=0", "an empty option")]
    [InlineData("cosine:T_max=10,", "an empty option")]
    [InlineData("cosine:T_max=10,T_max=20", "given twice")]
    [InlineData("multistep:milestones=[30,60", "'[' without ']'")]
    [InlineData("multistep:milestones=30,60]", "']' without '['")]
    [InlineData("multistep:milestones=[30,[60]]", "cannot be nested")]
    [InlineData("multistep:milestones=[30,x]", "'x' is not a number")]
    [InlineData("cosine:T_max=10%", "'10%' is not a number")]
    [InlineData("cosine:T_max=NaN", "'NaN' is not a finite number")]
    [InlineData("cosine:T_max=1e999", "'1e999' is not a finite number")]
    [InlineData("cosine:2x=1", "'2x' is not an option name")]
    [InlineData("cosine@hourly", "unknown unit '@hourly'")]
    [InlineData(":T_max=3", "the schedule name is missing")]
    [InlineData("cos ine", "'cos ine' is not a schedule name")]
    [InlineData("1cycle", "'1cycle' is not a schedule name")]
    [InlineData("mo mentum=ramp:start=1,end=2", "'mo mentum' is not a hyper-parameter name")]
    public void RejectsBadSyntaxSayingWhy(string text, string reason)
    {
        var e = Rejects("text", () => ScheduleSpec.Parse(text));
        Assert.Contains(reason, e.Message);
        Assert.Contains("expected [TARGET=]NAME[:KEY=VALUE,...][@step|@epoch]", e.Message);
    }

    [Fact]
    public void AnUnknownNameListsTheValidOnes()
    {
        var e = Rejects("text", () => ScheduleSpec.Parse("cosin:T_max=3"));
        Assert.StartsWith("unknown schedule 'cosin'; known schedules: StepLR (step), MultiStepLR (multistep), ConstantLR (constant), LinearLR (linear)", e.Message);
        Assert.Contains("CosineAnnealingLR (cosine)", e.Message);
        Assert.Contains("OneCycleLR (onecycle)", e.Message);
        Assert.EndsWith("ReduceLROnPlateau (plateau), ramp, warmup_cosine, wsd", e.Message.Split(" (Parameter")[0]);
        Rejects("text", () => ScheduleSpec.Parse("LambdaLR"));   // needs C# functions
    }

    [Fact] public void AnUnknownTargetListsTheKnownOnes() => Assert.Contains("known: lr, momentum, beta1, beta2, weight_decay", Rejects("text", () => ScheduleSpec.Parse("nesterov=ramp:start=0,end=1")).Message);
    [Fact] public void ATorchSchedulerDrivesOnlyTheLr() => Assert.Contains("StepLR schedules the learning rate only; for momentum use ramp, warmup_cosine, wsd", Rejects("text", () => ScheduleSpec.Parse("momentum=step:step_size=1")).Message);
    [Fact] public void PlateauIsPerEpochOnly() => Assert.Contains("once per epoch", Rejects("text", () => ScheduleSpec.Parse("plateau@step")).Message);

    [Fact]
    public void BuildingChecksTheOptions()
    {
        Assert.Contains("CosineAnnealingLR has no option 'T_maxx'; its options: T_max, eta_min",
            Rejects("T_maxx", () => ScheduleSpec.Parse("cosine:T_maxx=10").Build(Sgd())).Message);
        Assert.Contains("option 'step_size'", Rejects("step_size", () => ScheduleSpec.Parse("step:step_size=0").Build(Sgd())).Message);
        Assert.Contains("'T_max' is required", Rejects("T_max", () => ScheduleSpec.Parse("cosine").Build(Sgd())).Message);
        Assert.Contains("ramp has no option 'stop'", Rejects("stop", () => ScheduleSpec.Parse("ramp:start=0,end=1,stop=3").Build(Sgd(), 1, 5)).Message);
        Assert.Contains("'steps' is required", Rejects("steps", () => ScheduleSpec.Parse("ramp:start=0,end=1").Build(Sgd())).Message);
        Assert.Contains("warmup_cosine option 'total'", Rejects("total", () => ScheduleSpec.Parse("warmup_cosine:warmup=5,total=5").Build(Sgd())).Message);
        Rejects("stable", () => ScheduleSpec.Parse("wsd:warmup=3,decay=3").Build(Sgd(), 1, 5));
        Rejects("shape", () => ScheduleSpec.Parse("wsd:decay=3,shape=round").Build(Sgd(), 1, 5));
        Rejects("optimizer", () => ScheduleSpec.Parse("beta1=ramp:start=0.9,end=0.8,steps=3").Build(Sgd()));
    }

    [Fact]
    public void RunLengthFillsWhatTorchRequires()
    {
        var cosine = (CosineAnnealingLR)ScheduleSpec.Parse("cosine").Build(Sgd(), stepsPerEpoch: 7, epochs: 10).Scheduler;
        Assert.Equal(10, cosine.TMax);
        var perStep = (CosineAnnealingLR)ScheduleSpec.Parse("cosine@step").Build(Sgd(), stepsPerEpoch: 7, epochs: 10).Scheduler;
        Assert.Equal(70, perStep.TMax);
        var one = (OneCycleLR)ScheduleSpec.Parse("onecycle:max_lr=0.1").Build(Sgd(), stepsPerEpoch: 5, epochs: 4).Scheduler;
        Assert.Equal(20, one.TotalSteps);
        var byEpochs = (OneCycleLR)ScheduleSpec.Parse("onecycle:max_lr=0.1,epochs=3").Build(Sgd(), stepsPerEpoch: 5, epochs: 4).Scheduler;
        Assert.Equal(15, byEpochs.TotalSteps);
        var given = (OneCycleLR)ScheduleSpec.Parse("onecycle:max_lr=0.1,total_steps=9").Build(Sgd(), stepsPerEpoch: 5, epochs: 4).Scheduler;
        Assert.Equal(9, given.TotalSteps);
    }

    [Fact]
    public void PureSchedulesPeakAtTheCurrentValueByDefault()
    {
        var sgd = Sgd(0.4, 0.9, 0.2);
        var b = ScheduleSpec.Parse("warmup_cosine:warmup=2").Build(sgd, stepsPerEpoch: 3, epochs: 6);
        var s = (HyperParameterScheduler)b.Scheduler;
        Assert.Equal(ScheduleUnit.Epoch, b.Unit);
        // peak 0.4 and 0.2 (each group's rate), warmup 2, total 6 (the run's epochs)
        Assert.Equal(Schedule.WarmupCosine(0.4, 2, 6).Values(8), s.Schedules[0].Values(8));
        Assert.Equal(Schedule.WarmupCosine(0.2, 2, 6).Values(8), s.Schedules[1].Values(8));
        Assert.Equal(0.0, sgd.Group(0).Options.Lr);
        var wsd = ((HyperParameterScheduler)ScheduleSpec.Parse("wsd:warmup=1,decay=2,shape=sqrt").Build(Sgd(1.0), 1, 10).Scheduler).Schedules[0];
        // stable = the 10-step run − warmup 1 − decay 2
        Assert.Equal(Schedule.WarmupStableDecay(1.0, 1, 7, 2, shape: DecayShape.Sqrt).Values(12), wsd.Values(12));
    }

    [Fact]
    public void TheSeedsMomentumRampFromText()
    {
        var sgd = Sgd(0.1, 0.0);
        var set = ScheduleSet.Build([ScheduleSpec.Parse("momentum=ramp:start=0.5,end=0.9,steps=4")], sgd, stepsPerEpoch: 10, epochs: 6);
        var seen = new List<double>();
        for (int epoch = 0; epoch < 6; epoch++)
        {
            for (int step = 0; step < 10; step++) set.AfterOptimizerStep();
            seen.Add(Math.Round(sgd.Group(0).Options.Momentum, 12));
            set.AfterEpoch();
        }
        Assert.Equal([0.5, 0.6, 0.7, 0.8, 0.9, 0.9], seen);
    }
}
