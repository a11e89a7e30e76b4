using System.Text.Json;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

public class LBFGSTests
{
    private const double Rtol = 1e-4, Atol = 1e-6;

    private static NamedParameter Param(string name, float[] values, params int[] shape)
    {
        var t = Tensor.FromArray(values, shape.Length == 0 ? [values.Length] : shape);
        t.RequiresGrad = true;
        return new NamedParameter(name, t);
    }

    /// <summary>sum(100·(x[1:] − x[:-1]²)² + (1 − x[:-1])²), op for op as tools/fixtures/record_lbfgs.py.</summary>
    private static Tensor Rosenbrock(Tensor x)
    {
        int n = x.Length;
        var a = x.Narrow(0, n - 1);
        var c = x.Narrow(1, n - 1);
        return ((c - a.Square()).Square() * 100f + (a * -1f + 1f).Square()).Sum();
    }

    /// <summary>0.5·sum((A·x − b)²).</summary>
    private static Tensor LeastSquares(Tensor x, Tensor a, Tensor b) => (Tensor.MatMul(a, x) - b).Square().Sum() * 0.5f;

    private static Func<Tensor> Closure(Tensor x, Func<Tensor, Tensor> f) => () =>
    {
        x.Grad = null;
        var loss = f(x);
        loss.Backward();
        return loss;
    };

    private static string FixturePath() => TestFiles.Find("Conformance/Fixtures/lbfgs.json");

    private static JsonElement Fixture() => JsonDocument.Parse(File.ReadAllText(FixturePath())).RootElement.Clone();

    public static TheoryData<string> CaseNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in Fixture().GetProperty("cases").EnumerateArray()) data.Add(c.GetProperty("name").GetString()!);
            return data;
        }
    }

    private static float[] Floats(JsonElement e) => e.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTorch113(string name)
    {
        var recording = Descent.Conformance.ClosureRecording.Load(FixturePath());
        Assert.StartsWith("1.13", recording.Torch);
        var result = Descent.Conformance.ClosureReplay.Run(recording.Cases.Single(c => c.Name == name), Rtol, Atol);
        Assert.True(result.Passed, result.Failure);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("strong_wolfe")]
    public void ConvergesOnAQuadratic(string? lineSearch)
    {
        var a = Tensor.FromArray([3f, 0.5f, 0.2f, 0.5f, 2f, -0.3f, 0.2f, -0.3f, 1f], 3, 3);
        var b = Tensor.FromArray([1f, -1f, 0.5f], 3, 1);
        var p = Param("x", [0f, 0f, 0f], 3, 1);
        var opt = new LBFGS([p], new LBFGSOptions { Lr = 1, MaxIter = 50, LineSearchFn = lineSearch });
        // ½‖Ax − b‖² is a quadratic with minimum where Ax = b.
        var closure = Closure(p.Value, x => LeastSquares(x, a, b));
        for (int i = 0; i < 5; i++) opt.Step(closure);
        var r = closure();
        Assert.True(r.Item() < 1e-8, $"loss {r.Item()}");
        Assert.All(p.Value.Grad!.ToArray(), g => Assert.True(Math.Abs(g) < 1e-3));
    }

    [Fact]
    public void StopsAtOnceWhenTheGradientIsBelowTolerance()
    {
        var p = Param("x", [1f, 1f]);
        var opt = new LBFGS([p], new LBFGSOptions());
        var loss = opt.Step(Closure(p.Value, Rosenbrock));
        Assert.Equal(0f, loss.Item());
        Assert.Equal(0, opt.Iterations);
        Assert.Equal(1, opt.FunctionEvaluations);
        Assert.Equal([1f, 1f], p.Value.ToArray());
    }

    [Fact]
    public void DefaultsAreTorchs()
    {
        var o = new LBFGSOptions();
        Assert.Equal(1, o.Lr);
        Assert.Equal(20, o.MaxIter);
        Assert.Null(o.MaxEval);
        Assert.Equal(25, o.EffectiveMaxEval);
        Assert.Equal(1e-7, o.ToleranceGrad);
        Assert.Equal(1e-9, o.ToleranceChange);
        Assert.Equal(100, o.HistorySize);
        Assert.Null(o.LineSearchFn);
        Assert.Equal(1, new LBFGSOptions { MaxIter = 1 }.EffectiveMaxEval);
    }

    [Fact]
    public void ValidatesOptionsAsTorchDoes()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new LBFGSOptions { Lr = -0.1 });
        _ = new LBFGSOptions { Lr = 0 }; // torch accepts lr = 0
        Assert.Throws<ArgumentOutOfRangeException>(() => new LBFGSOptions { MaxIter = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LBFGSOptions { MaxEval = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LBFGSOptions { HistorySize = 0 });
        Assert.Throws<ArgumentOutOfRangeException>(() => new LBFGSOptions { ToleranceGrad = -1 });
        var e = Assert.Throws<ArgumentException>(() => new LBFGSOptions { LineSearchFn = "backtracking" });
        Assert.Contains("backtracking", e.Message);
        var e2 = Assert.ThrowsAny<ArgumentException>(() => OptimizerCatalog.Create("lbfgs", [Param("x", [1f])],
            new TorchOptions(new Dictionary<string, object> { ["line_search_fn"] = "armijo" })));
        Assert.Contains("armijo", e2.Message);
    }

    [Fact]
    public void RejectsASecondParameterGroupEvenThroughTheBaseClass()
    {
        var opt = new LBFGS([Param("x", [1f])], new LBFGSOptions());
        var e = Assert.Throws<InvalidOperationException>(() => opt.AddParamGroup([Param("y", [1f])]));
        Assert.Equal("LBFGS doesn't support per-parameter options (parameter groups)", e.Message);
        Optimizer asBase = opt;
        var e2 = Assert.Throws<InvalidOperationException>(() => asBase.AddParamGroup([Param("z", [1f])]));
        Assert.Equal(e.Message, e2.Message);
        Assert.Single(opt.ParamGroups);
        Assert.Single(opt.ParamGroups[0].Parameters);
    }

    [Fact]
    public void StepWithoutAClosureIsAnError()
    {
        var p = Param("x", [1f, 2f]);
        var opt = new LBFGS([p], new LBFGSOptions());
        p.Value.Grad = Tensor.FromArray([1f, 1f], 2);
        var e = Assert.Throws<InvalidOperationException>(() => opt.Step());
        Assert.Contains("Step(closure)", e.Message);
        // Refused before anything happens, even with the skip policy and no gradient at all.
        opt.NonFinitePolicy = NonFinitePolicy.SkipStep;
        p.Value.Grad = null;
        Assert.Throws<InvalidOperationException>(() => ((Optimizer)opt).Step());
        Assert.Equal(0, opt.StepCount);
        Assert.Equal(0, opt.SkippedSteps);
        Assert.Equal([1f, 2f], p.Value.ToArray());
    }
}
