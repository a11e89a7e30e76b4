using Descent.Conformance;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Conformance;

/// <summary>Lion replayed against recordings of the authors' implementation (Fixtures/modern/lion.json).</summary>
public class LionConformanceTests
{
    private static string Recording => Path.Combine(Path.GetDirectoryName(OptimizerFixtures.Locate())!, "modern", "lion.json");

    public static TheoryData<string> CaseNames
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (var c in OptimizerRecording.Load(Recording).Cases) data.Add(c.Name);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void MatchesTheAuthorsCodeBitForBit(string caseName)
    {
        var c = OptimizerRecording.Load(Recording).Cases.Single(x => x.Name == caseName);
        var result = OptimizerReplay.Run(c, rtol: 0, atol: 0);
        Assert.True(result.Passed, result.Failure);
    }

    [Fact]
    public void DefaultsAndValidationAreTheReferences()
    {
        var o = new LionOptions();
        Assert.Equal((1e-4, (0.9, 0.99), 0.0), (o.Lr, o.Betas, o.WeightDecay));
        var p = Tensor.Zeros(3);
        p.RequiresGrad = true;
        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("lion", [new NamedParameter("p", p)],
            new TorchOptions(new Dictionary<string, object> { ["betas"] = new[] { 1.0, 0.99 } })));
        Assert.Equal(("betas", "Lion"), (e.Key, e.Owner));
        Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("lion", [new NamedParameter("p", p)],
            new TorchOptions(new Dictionary<string, object> { ["eps"] = 1e-8 })));
    }

    [Fact]
    public void EveryCoordinateMovesByTheLearningRate()
    {
        var p = Tensor.FromArray([1f, -2f, 3f, 0.5f], 4);
        p.RequiresGrad = true;
        var lion = new Lion([new NamedParameter("p", p)], new LionOptions { Lr = 0.1 });
        p.Grad = Tensor.FromArray([0.001f, -1000f, 2f, 0f], 4);
        lion.Step();
        // The first step's direction is the sign of the gradient (m starts at 0), whatever its size; a zero gradient stays.
        Assert.Equal([0.9f, -1.9f, 2.9f, 0.5f], p.ToArray());
    }
}
