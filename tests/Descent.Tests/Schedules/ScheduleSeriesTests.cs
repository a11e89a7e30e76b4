using Descent.Cli.Rendering;
using Descent.Lab.Schedules;
using Descent.Schedules;
using static Descent.Tests.Schedules.Probes;

namespace Descent.Tests.Schedules;

/// <summary>Schedules evaluated over N steps for the command line, and several schedules in one run.</summary>
public class ScheduleSeriesTests
{
    private static IReadOnlyList<ScheduleSpec> Specs(params string[] texts) => texts.Select(ScheduleSpec.Parse).ToArray();

    [Fact]
    public void OneCycleRowsMatchTheScheduler()
    {
        var series = ScheduleSeries.ForSgd(Specs("onecycle:max_lr=1.0,total_steps=10"), steps: 10, lr: 0.1, momentum: 0.9);
        Assert.Equal(["lr", "momentum"], series.Columns);
        Assert.Equal(10, series.Rows.Count);
        var sgd = Sgd(0.1, 0.9);
        var s = new OneCycleLR(sgd, 1.0, 10);
        for (int t = 0; t < 10; t++)
        {
            Assert.Equal(t, series.Rows[t].Step);
            Assert.Equal(t, series.Rows[t].Epoch);
            Assert.Equal(sgd.Group(0).Options.Lr, series.Rows[t].Values[0]);
            Assert.Equal(sgd.Group(0).Options.Momentum, series.Rows[t].Values[1]);
            s.Step();
        }
    }

    [Fact]
    public void EpochSchedulesChangeAtEpochBoundaries()
    {
        var series = ScheduleSeries.ForSgd(Specs("step:step_size=1,gamma=0.5"), steps: 7, lr: 1.0, stepsPerEpoch: 3);
        Assert.Equal([1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.25], series.Column("lr"));
        Assert.Equal([0L, 0, 0, 1, 1, 1, 2], series.Rows.Select(r => r.Epoch));
    }

    [Fact]
    public void PlateauNeedsAMetricPerEpoch()
    {
        Assert.Contains("a metric for each of the 4 epochs, got 2",
            Rejects("metrics", () => ScheduleSeries.ForSgd(Specs("plateau"), steps: 8, lr: 1.0, stepsPerEpoch: 2, metrics: [1, 1])).Message);
        var series = ScheduleSeries.ForSgd(Specs("plateau:patience=0,factor=0.5"), steps: 8, lr: 1.0, stepsPerEpoch: 2, metrics: [1, 1, 0.5, 0.5]);
        Assert.Equal([1.0, 1.0, 1.0, 1.0, 0.5, 0.5, 0.5, 0.5], series.Column("lr"));
    }

    [Fact]
    public void ScheduledHyperParametersGetColumns()
    {
        var series = ScheduleSeries.ForSgd(Specs("cosine@step", "momentum=ramp:start=0.5,end=0.9,steps=2", "weight_decay=ramp:start=0,end=0.001,steps=4@step"),
            steps: 4, lr: 0.1, stepsPerEpoch: 2);
        Assert.Equal(["lr", "momentum", "weight_decay"], series.Columns);
        Assert.Equal([0.5, 0.5, 0.7, 0.7], series.Column("momentum").Select(v => Math.Round(v, 12)));
        Assert.Equal(0.0005, series.Rows[2].Values[2], 15);
        Assert.Equal(0.1, series.Rows[0].Values[0]);
        Assert.Equal(0.05, series.Rows[2].Values[0], 15);   // T_max = the run: 4 steps
        Assert.Contains("lr: CosineAnnealingLR per step; momentum: ramp:start=0.5,end=0.9,steps=2 per epoch", series.Description);
    }

    [Fact]
    public void BetaColumnForOptionsWithBetas()
    {
        var series = ScheduleSeries.Record(Beta(), Specs("onecycle:max_lr=0.01"), steps: 5);
        Assert.Equal(["lr", "beta1"], series.Columns);
        Assert.Equal(0.95, series.Rows[0].Values[1]);
    }

    [Fact]
    public void TableAndCsv()
    {
        var series = ScheduleSeries.ForSgd(Specs("exponential:gamma=0.5"), steps: 3, lr: 1.0, momentum: 0.9);
        var table = series.ToTable().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("step  epoch    lr  momentum", table[0]);
        Assert.Equal("   2      2  0.25       0.9", table[3]);
        Assert.Equal("step,epoch,lr,momentum\n0,0,1,0.9\n1,1,0.5,0.9\n2,2,0.25,0.9\n", series.ToCsv().Replace("\r\n", "\n"));
    }

    [Fact]
    public void TwoSchedulesForOneHyperParameterAreRejected() =>
        Assert.Contains("two schedules for lr", Rejects("specs", () => ScheduleSet.Build(Specs("cosine:T_max=3", "step:step_size=2"), Sgd())).Message);

    [Fact]
    public void AMomentumScheduleBesideACyclingSchedulerIsRejected()
    {
        var sgd = Sgd(0.1, 0.9);
        var e = Rejects("specs", () => ScheduleSet.Build(Specs("onecycle:max_lr=0.1,total_steps=10", "momentum=ramp:start=0.5,end=0.9,steps=3"), sgd));
        Assert.Contains("OneCycleLR already cycles momentum; drop the momentum schedule or pass cycle_momentum=false", e.Message);
        Assert.Equal(0.1, sgd.Group(0).Options.Lr);
        Rejects("specs", () => ScheduleSet.Build(Specs("onecycle:max_lr=0.1,total_steps=10", "beta1=ramp:start=0.9,end=0.8,steps=3"), Beta()));
        Rejects("specs", () => ScheduleSet.Build(Specs("cyclic:base_lr=0.1,max_lr=1", "momentum=ramp:start=0.5,end=0.9,steps=3"), Sgd()));
        _ = ScheduleSet.Build(Specs("onecycle:max_lr=0.1,total_steps=10,cycle_momentum=false", "momentum=ramp:start=0.5,end=0.9,steps=3"), Sgd());
    }

    [Fact]
    public void AfterEpochWithoutAMetricFailsForPlateau()
    {
        var set = ScheduleSet.Build(Specs("plateau"), Sgd());
        Assert.True(set.NeedsMetric);
        Assert.Throws<InvalidOperationException>(() => set.AfterEpoch());
        set.AfterEpoch(0.5);
        Assert.Equal(1, set.Bindings[0].Scheduler.LastEpoch);
    }
}
