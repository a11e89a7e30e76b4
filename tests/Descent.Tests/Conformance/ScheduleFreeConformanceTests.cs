using Descent.Conformance;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Conformance;

/// <summary>
/// Schedule-Free AdamW and SGD replayed against recordings of the authors' reference implementations
/// (Fixtures/modern/schedulefree_adamw.json, schedulefree_sgd.json): parameters, state, group scalars and the
/// evaluation point after every step.
/// </summary>
public class ScheduleFreeConformanceTests
{
    private static string Recording(string file) => Path.Combine(Path.GetDirectoryName(OptimizerFixtures.Locate())!, "modern", file);

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var file in new[] { "schedulefree_adamw.json", "schedulefree_sgd.json" })
                foreach (var c in OptimizerRecording.Load(Recording(file)).Cases) data.Add(file, c.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheReferenceBitForBit(string file, string caseName)
    {
        var c = OptimizerRecording.Load(Recording(file)).Cases.Single(x => x.Name == caseName);
        Assert.NotNull(c.EvalParamsAfterStep);
        Assert.NotNull(c.GroupAfterStep);
        var result = OptimizerReplay.Run(c, rtol: 0, atol: 0);
        Assert.True(result.Passed, result.Failure);
    }

    private static (Tensor P, NamedParameter[] Named) Parameter(params float[] values)
    {
        var p = Tensor.FromArray(values, values.Length);
        p.RequiresGrad = true;
        return (p, [new NamedParameter("p", p)]);
    }

    [Fact]
    public void DefaultsAndValidationAreTheReferences()
    {
        var a = new AdamWScheduleFreeOptions();
        Assert.Equal((0.0025, (0.9, 0.999), 1e-8, 0.0, 0, 0.0, 2.0, false, 0.0),
            (a.Lr, a.Betas, a.Eps, a.WeightDecay, a.WarmupSteps, a.R, a.WeightLrPower, a.DecayAtZ, a.InnerMomentum));
        var s = new SgdScheduleFreeOptions();
        Assert.Equal((1.0, 0.9, 0.0, 0, 0.0, 2.0), (s.Lr, s.Momentum, s.WeightDecay, s.WarmupSteps, s.R, s.WeightLrPower));
        var (_, named) = Parameter(1f);
        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("SGDScheduleFree", named,
            new TorchOptions(new Dictionary<string, object> { ["warmup_steps"] = -1.0 })));
        Assert.Equal(("warmup_steps", "SGDScheduleFree"), (e.Key, e.Owner));
        e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("adamwschedulefree", named,
            new TorchOptions(new Dictionary<string, object> { ["weight_lr_power"] = -2.0 })));
        Assert.Equal(("weight_lr_power", "AdamWScheduleFree"), (e.Key, e.Owner));
    }

    [Fact]
    public void EvalShowsTheAverageAndTrainRestoresTheGradientPointExactly()
    {
        var (p, named) = Parameter(1f, -2f);
        var sf = new SgdScheduleFree(named, new SgdScheduleFreeOptions { Lr = 0.1, Momentum = 0.5 });
        p.Grad = Tensor.FromArray([1f, 1f], 2);
        sf.Step();
        p.Grad = Tensor.FromArray([2f, -1f], 2);
        sf.Step();
        var y = p.ToArray();
        var state = sf.StateOf("p");
        Assert.Equal(state.Buffers["y"].ToArray(), y);
        Assert.NotEqual(state.Buffers["x"].ToArray(), y);

        sf.Eval();
        Assert.False(sf.IsTraining);
        Assert.Equal(state.Buffers["x"].ToArray(), p.ToArray());
        Assert.Equal(0, sf.ParamGroups[0].Scalars["train_mode"]);
        var refused = Assert.Throws<InvalidOperationException>(() => sf.Step());
        Assert.Contains("call Train() before Step()", refused.Message);
        sf.Eval();   // idempotent
        sf.Train();
        Assert.True(sf.IsTraining);
        Assert.Equal(y, p.ToArray());
    }

    [Fact]
    public void AStateDictTakenInEvalModeResumesBitForBit()
    {
        float[] init = [0.5f, -1.5f, 2f];
        float[][] grads = [[1f, -1f, 0.5f], [0.25f, 2f, -3f], [-1f, 0.5f, 1f], [0.1f, 0.2f, 0.3f], [2f, -2f, 1f]];
        AdamWScheduleFree Make(Tensor p) => new([new NamedParameter("p", p)],
            new AdamWScheduleFreeOptions { Lr = 0.01, WarmupSteps = 3, WeightDecay = 0.1, InnerMomentum = 0.9 });

        var (straight, _) = Parameter(init);
        var a = Make(straight);
        foreach (var g in grads)
        {
            straight.Grad = Tensor.FromArray(g, 3);
            a.Step();
        }

        var (first, _) = Parameter(init);
        var b = Make(first);
        for (int t = 0; t < 2; t++)
        {
            first.Grad = Tensor.FromArray(grads[t], 3);
            b.Step();
        }
        b.Eval();                                   // as the trainer does before a checkpoint
        var saved = b.StateDict();
        Assert.Equal(2, saved.GlobalScalars["group0.k"]);
        Assert.Equal(0, saved.GlobalScalars["group0.train_mode"]);

        var (resumed, _) = Parameter(first.ToArray());   // the checkpoint's parameters: the evaluation point x
        var c = Make(resumed);
        c.LoadStateDict(saved);
        Assert.False(c.IsTraining);
        c.Train();
        for (int t = 2; t < grads.Length; t++)
        {
            resumed.Grad = Tensor.FromArray(grads[t], 3);
            c.Step();
        }
        Assert.Equal(straight.ToArray(), resumed.ToArray());
        Assert.Equal(a.ParamGroups[0].Scalars, c.ParamGroups[0].Scalars);
        foreach (var key in new[] { "x", "y", "z", "exp_avg", "exp_avg_sq" })
            Assert.Equal(a.StateOf("p").Buffers[key].ToArray(), c.StateOf("p").Buffers[key].ToArray());
    }
}
