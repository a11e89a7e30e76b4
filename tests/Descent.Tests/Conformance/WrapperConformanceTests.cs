using Descent.Conformance;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Conformance;

/// <summary>
/// Lookahead and SAM, the wrappers, replayed against recordings of their authors' code (Fixtures/modern/lookahead.json
/// around torch's SGD and Adam; sam.json around SGD, closed loop on a quadratic), with the wrapped optimizer's state
/// under "inner." and "base.".
/// </summary>
public class WrapperConformanceTests
{
    private static string Recording(string file) => Path.Combine(Path.GetDirectoryName(OptimizerFixtures.Locate())!, "modern", file);

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (var file in new[] { "lookahead.json", "sam.json" })
                foreach (var c in OptimizerRecording.Load(Recording(file)).Cases) data.Add(file, c.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void MatchesTheReferenceAtTheDefaultTolerance(string file, string caseName)
    {
        var c = OptimizerRecording.Load(Recording(file)).Cases.Single(x => x.Name == caseName);
        var result = OptimizerReplay.Run(c);
        Assert.True(result.Passed, result.Failure);
    }

    public static TheoryData<string> LookaheadCases
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in OptimizerRecording.Load(Recording("lookahead.json")).Cases) data.Add(c.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(LookaheadCases))]
    public void LookaheadMatchesBitForBit(string caseName)
    {
        var c = OptimizerRecording.Load(Recording("lookahead.json")).Cases.Single(x => x.Name == caseName);
        var result = OptimizerReplay.Run(c, rtol: 0, atol: 0);
        Assert.True(result.Passed, result.Failure);
    }

    private static NamedParameter[] Parameters(params float[] values)
    {
        var p = Tensor.FromArray(values, values.Length);
        p.RequiresGrad = true;
        return [new NamedParameter("p", p)];
    }

    private static TorchOptions Options(params (string Key, object Value)[] values) =>
        new(values.ToDictionary(v => v.Key, v => v.Value));

    [Fact]
    public void OptionsAreTheReferencesAndBadOnesAreNamed()
    {
        var look = new LookaheadOptions();
        Assert.Equal((5, 0.8, PullbackMomentum.None), (look.LaSteps, look.LaAlpha, look.PullbackMomentum));
        var sam = new SamOptions();
        Assert.Equal((0.05, false), (sam.Rho, sam.Adaptive));

        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("Lookahead", Parameters(1f), Options(("la_steps", 0.0))));
        Assert.Equal(("la_steps", "Lookahead"), (e.Key, e.Owner));
        e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("Lookahead", Parameters(1f), Options(("pullback_momentum", "back"))));
        Assert.Equal("pullback_momentum", e.Key);
        e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("Lookahead", Parameters(1f),
            Options(("optimizer", "Adam"), ("pullback_momentum", "pullback"))));
        Assert.Contains("needs an inner optimizer with a momentum buffer", e.Message);
        e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("SAM", Parameters(1f), Options(("rho", -1.0))));
        Assert.Equal(("rho", "SAM"), (e.Key, e.Owner));
        // Options neither wrapper knows go to the wrapped optimizer, which names them.
        e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("SAM", Parameters(1f), Options(("lr", 0.1), ("betas", new[] { 0.9, 0.99 }))));
        Assert.Equal(("betas", "SGD"), (e.Key, e.Owner));
        e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("Lookahead", Parameters(1f),
            Options(("lr", 0.1), ("options", new Dictionary<string, object> { ["lr"] = 0.2 }))));
        Assert.Equal("lr", e.Key);
    }

    [Fact]
    public void TheWrappersLearningRateDrivesTheInnerOne()
    {
        var look = (Lookahead)OptimizerCatalog.Create("Lookahead", Parameters(1f), Options(("lr", 0.5), ("la_steps", 2.0)));
        Assert.Equal(0.5, look.ParamGroups[0].Options.Lr);
        look.ParamGroups[0].Options.Lr = 0.25;
        var p = look.ParamGroups[0].Parameters[0].Value;
        p.Grad = Tensor.FromArray([1f], 1);
        look.Step();
        Assert.Equal(0.25, look.Inner.ParamGroups[0].Options.Lr);
        Assert.Equal([0.75f], p.ToArray());
    }

    [Fact]
    public void SamRefusesAStepWithoutClosure()
    {
        var sam = OptimizerCatalog.Create("SAM", Parameters(1f), Options(("lr", 0.1)));
        Assert.True(sam.RequiresClosure);
        Assert.Contains("call Step(closure)", Assert.Throws<InvalidOperationException>(() => sam.Step()).Message);
    }

    [Fact]
    public void LookaheadsStateDictCarriesTheInnerStateAndTheCounter()
    {
        float[][] grads = [[1f, -2f], [0.5f, 0.5f], [-1f, 3f], [2f, 1f], [0.1f, -0.1f], [1f, 1f], [-2f, 0.5f]];
        Lookahead Make(NamedParameter[] ps) => (Lookahead)OptimizerCatalog.Create("Lookahead", ps,
            Options(("lr", 0.1), ("momentum", 0.9), ("la_steps", 3.0), ("la_alpha", 0.5), ("pullback_momentum", "pullback")));
        var a = Parameters(1f, 2f);
        var straight = Make(a);
        foreach (var g in grads)
        {
            a[0].Value.Grad = Tensor.FromArray(g, 2);
            straight.Step();
        }
        var b = Parameters(1f, 2f);
        var first = Make(b);
        for (int t = 0; t < 4; t++)
        {
            b[0].Value.Grad = Tensor.FromArray(grads[t], 2);
            first.Step();
        }
        var saved = first.StateDict();
        Assert.Equal(1, saved.GlobalScalars["la_step"]);
        Assert.True(saved.GlobalBuffers.ContainsKey("inner/buffer/p.momentum_buffer"));

        var c = Parameters(b[0].Value.ToArray());
        var resumed = Make(c);
        resumed.LoadStateDict(saved);
        for (int t = 4; t < grads.Length; t++)
        {
            c[0].Value.Grad = Tensor.FromArray(grads[t], 2);
            resumed.Step();
        }
        Assert.Equal(a[0].Value.ToArray(), c[0].Value.ToArray());
        Assert.Equal(straight.StateOf("p").Buffers["cached_mom"].ToArray(), resumed.StateOf("p").Buffers["cached_mom"].ToArray());
    }
}
