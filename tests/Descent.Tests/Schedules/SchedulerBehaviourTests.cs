using Descent.Optim;
using Descent.Schedules;
using Descent.Tensors;
using static Descent.Tests.Schedules.Probes;

namespace Descent.Tests.Schedules;

/// <summary>Schedulers driving a real optimizer, PyTorch's subtleties, and state dicts.</summary>
public class SchedulerBehaviourTests
{
    [Fact]
    public void OneCycleDrivesTheLrAndMomentumOfEverySgdGroupPerStep()
    {
        var sgd = Sgd(0.5, 0.9, 0.5);
        var scheduler = new OneCycleLR(sgd, maxLr: new[] { 0.1, 0.01 }, totalSteps: 6, baseMomentum: 0.8, maxMomentum: 0.9);
        var a = sgd.ParamGroups[0].Parameters[0].Value;
        var b = sgd.ParamGroups[1].Parameters[0].Value;
        double wa = 0, wb = 0, va = 0, vb = 0;
        var used = new List<(double Lr, double Momentum)>();
        for (int t = 0; t < 6; t++)
        {
            var ga = sgd.Group(0).Options;
            var gb = sgd.Group(1).Options;
            used.Add((ga.Lr, ga.Momentum));
            Assert.Equal(scheduler.LastLr, [ga.Lr, gb.Lr]);
            Assert.Equal(ga.Momentum, gb.Momentum);   // same momentum boundaries in both groups
            a.Grad = Tensor.FromArray([1f], 1);
            b.Grad = Tensor.FromArray([2f], 1);
            // PyTorch's heavy ball with the momentum and rate the scheduler set for this step
            va = t == 0 ? 1 : ga.Momentum * va + 1;
            vb = t == 0 ? 2 : gb.Momentum * vb + 2;
            wa -= ga.Lr * va;
            wb -= gb.Lr * vb;
            sgd.Step();
            Assert.Equal(wa, a[0], 5);
            Assert.Equal(wb, b[0], 5);
            scheduler.Step();
        }
        Assert.Equal(0.1 / 25, used[0].Lr, 15);                  // initial_lr = max_lr / div_factor
        Assert.Equal(0.9, used[0].Momentum, 15);                 // max_momentum
        Assert.Equal(0.1 / 25 / 1e4, used[5].Lr, 15);            // min_lr at the last step
        Assert.Equal(0.9, used[5].Momentum, 15);
    }

    [Fact]
    public void OneCycleCyclesBeta1OfOptionsWithBetas()
    {
        var probe = Beta();
        var s = new OneCycleLR(probe, 0.01, 10);
        Assert.True(s.CyclesBeta1);
        Assert.Equal(0.95, probe.Group(0).Options.Beta1);
        s.Step();
        Assert.True(probe.Group(0).Options.Beta1 < 0.95);
        Assert.Equal(0.999, probe.Group(0).Options.Beta2);
    }

    [Fact]
    public void CyclicLRSetsTheRateToBaseLrAndCyclesMomentumInversely()
    {
        var sgd = Sgd(1.0, 0.0);
        var s = new CyclicLR(sgd, 0.1, 0.5, stepSizeUp: 2);
        Assert.Equal(0.1, sgd.Group(0).Options.Lr);
        Assert.Equal(0.9, sgd.Group(0).Options.Momentum);
        s.Step();
        Assert.Equal(0.3, sgd.Group(0).Options.Lr, 15);
        Assert.Equal(0.85, sgd.Group(0).Options.Momentum, 15);
        s.Step();
        Assert.Equal(0.5, sgd.Group(0).Options.Lr, 15);
        Assert.Equal(0.8, sgd.Group(0).Options.Momentum, 15);
    }

    [Fact]
    public void ChainableSchedulersComposeWithChangesMadeByHand()
    {
        var sgd = Sgd(1.0);
        var s = new ExponentialLR(sgd, 0.5);
        s.Step();
        sgd.Group(0).Options.Lr = 10;   // a change from outside carries through, as in torch
        s.Step();
        Assert.Equal(5.0, sgd.Group(0).Options.Lr);
    }

    [Fact]
    public void CosineAnnealingIsRecursiveAsInTorch()
    {
        // The recursive form differs from the closed form in the last bits; the fixture pins torch's bits.
        var sgd = Sgd(0.1);
        var s = new CosineAnnealingLR(sgd, 7, 0.05);
        for (int t = 1; t < 60; t++)
        {
            s.Step();
            double closed = 0.05 + (0.1 - 0.05) * (1 + Math.Cos(Math.PI * t / 7)) / 2;
            Assert.Equal(closed, sgd.Group(0).Options.Lr, 12);
        }
    }

    [Fact]
    public void LaterSchedulersStartFromTheFirstOnesInitialLr()
    {
        var sgd = Sgd(1.0);
        _ = new ConstantLR(sgd, 0.5, 2);          // lr 0.5; initial_lr 1.0
        var lambda = new LambdaLR(sgd, e => 0.1); // base_lrs from initial_lr, as torch
        Assert.Equal([1.0], lambda.BaseLrs);
        Assert.Equal(0.1, sgd.Group(0).Options.Lr);
    }

    [Fact]
    public void SequentialLRWarmupThenCosine()
    {
        var sgd = Sgd(1.0);
        var warmup = new LinearLR(sgd, 0.25, 1.0, 3);
        var cosine = new CosineAnnealingLR(sgd, 4);
        var s = new SequentialLR(sgd, [warmup, cosine], [3]);
        var lrs = new List<double>();
        for (int t = 0; t < 8; t++) { lrs.Add(sgd.Group(0).Options.Lr); s.Step(); }
        Assert.Equal(0.25, lrs[0]);
        Assert.Equal(0.5, lrs[1], 15);
        Assert.Equal(0.75, lrs[2], 15);
        Assert.Equal(1.0, lrs[3], 15);                    // the cosine restarts at its epoch 0
        Assert.Equal(0.5, lrs[5], 15);
        Assert.Equal(0.0, lrs[7], 15);
        Assert.Equal(s.LastLr, cosine.LastLr);
    }

    [Fact]
    public void PlateauReducesAfterPatienceAndCoolsDown()
    {
        var sgd = Sgd(1.0);
        var p = new ReduceLROnPlateau(sgd, factor: 0.5, patience: 1, cooldown: 1, minLr: 0.2);
        double[] metrics = [1, 1, 1, 1, 1, 1, 1, 1];
        var lrs = metrics.Select(m => { p.Step(m); return sgd.Group(0).Options.Lr; }).ToArray();
        // bad epochs: 0 (1 is the first best), 1, 2 → reduce; cooldown eats one; 1, 2 → reduce; ...; floor 0.2
        Assert.Equal([1.0, 1.0, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25], lrs.Take(8));
        var q = new ReduceLROnPlateau(Sgd(1.0), patience: 0, factor: 0.1, minLr: 0.2);
        q.Step(1); q.Step(1); q.Step(1);
        Assert.Equal(0.2, q.LastLr[0]);
    }

    [Fact]
    public void FractionalEpochsOfWarmRestarts()
    {
        var sgd = Sgd(1.0);
        var s = new CosineAnnealingWarmRestarts(sgd, 2, 2);
        s.Step(1.0);
        Assert.Equal(0.5, sgd.Group(0).Options.Lr, 15);
        s.Step(2.0);                 // restart: period 4
        Assert.Equal(1.0, sgd.Group(0).Options.Lr);
        Assert.Equal(4, s.TI);
        s.Step(4.0);
        Assert.Equal(0.5, sgd.Group(0).Options.Lr, 15);
        Assert.Equal(4, s.LastEpoch);
    }

    [Fact]
    public void StateDictHoldsPlainNumbers()
    {
        var s = new CosineAnnealingWarmRestarts(Sgd(0.1, 0.9, 0.2), 3);
        s.Step();
        var state = s.StateDict();
        Assert.Equal(
            ["T_cur", "T_i", "base_lrs.0", "base_lrs.1", "last_epoch", "last_lr.0", "last_lr.1", "lr.0", "lr.1"],
            state.Keys);
        Assert.Equal(1, state["last_epoch"]);
        Assert.Equal(1, state["T_cur"]);
    }

    [Fact]
    public void LoadingAStateWithAMissingOrExtraEntryChangesNothing()
    {
        var sgd = Sgd(0.1);
        var s = new StepLR(sgd, 2);
        s.Step(); s.Step();
        var good = s.StateDict();
        var other = new StepLR(Sgd(0.1), 2);
        var missing = good.Where(kv => kv.Key != "last_epoch").ToDictionary();
        Assert.Contains("last_epoch", Rejects("state", () => other.LoadStateDict(missing)).Message);
        var extra = good.ToDictionary();
        extra["T_cur"] = 1;
        Assert.Contains("T_cur", Rejects("state", () => other.LoadStateDict(extra)).Message);
        var bad = good.ToDictionary();
        bad["last_epoch"] = 1.5;
        Rejects("state", () => other.LoadStateDict(bad));
        var negative = good.ToDictionary();
        negative["lr.0"] = -1;
        Rejects("state", () => other.LoadStateDict(negative));
        Assert.Equal(0, other.LastEpoch);
        Assert.Equal(0.1, other.Optimizer.ParamGroups[0].Options.Lr);
    }

    [Fact]
    public void APlateauStateKeepsInfiniteBest()
    {
        var p = new ReduceLROnPlateau(Sgd(), PlateauMode.Max);
        var state = p.StateDict();
        Assert.Equal(double.NegativeInfinity, state["best"]);
        var q = new ReduceLROnPlateau(Sgd(), PlateauMode.Max);
        q.Step(0.5);
        q.LoadStateDict(state);
        Assert.Equal(double.NegativeInfinity, q.Best);
        Assert.Equal(0, q.LastEpoch);
    }
}
