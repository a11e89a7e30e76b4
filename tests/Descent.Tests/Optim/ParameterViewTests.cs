using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

public class ParameterViewTests
{
    private sealed class RecordingOptions : OptimizerOptions;

    /// <summary>Records what each update saw, and scales matrices and vectors differently.</summary>
    private sealed class ShapeAware(IEnumerable<NamedParameter> parameters) : Optimizer<RecordingOptions>(parameters, new RecordingOptions { Lr = 1 })
    {
        public List<string> Seen { get; } = [];
        public bool Record { get; set; } = true;

        protected override void Update(ParameterView p, RecordingOptions o, ParameterState state)
        {
            if (Record) Seen.Add($"{p.Name} {p.Shape} rank {p.Rank} step {state.Step}");
            float scale = p.Rank >= 2 ? 0.5f : 1f;
            for (int i = 0; i < p.Values.Length; i++) p.Values[i] -= scale * p.Grad[i];
        }
    }

    private sealed class NoRule(IEnumerable<NamedParameter> parameters) : Optimizer<RecordingOptions>(parameters, new RecordingOptions());

    private static Sequential Network() => new(new Linear(3, 2, new Rng(0)), new ReLU(), new Linear(2, 1, new Rng(1)));

    private static void SetGradients(Module model)
    {
        foreach (var p in model.Parameters()) p.Grad = Tensor.Full(1f, p.Shape.ToArray());
    }

    [Fact]
    public void TheUpdateSeesEachParametersNameAndShape()
    {
        var model = Network();
        var optimizer = new ShapeAware(model.NamedParameters());
        var before = model.StateDict();
        SetGradients(model);
        optimizer.Step();
        Assert.Equal(["0.weight [2, 3] rank 2 step 1", "0.bias [2] rank 1 step 1", "2.weight [1, 2] rank 2 step 1", "2.bias [1] rank 1 step 1"], optimizer.Seen);
        var after = model.StateDict();
        Assert.Equal(before["0.weight"].ToArray().Select(v => v - 0.5f), after["0.weight"].ToArray());
        Assert.Equal(before["0.bias"].ToArray().Select(v => v - 1f), after["0.bias"].ToArray());
    }

    [Fact]
    public void AnOptimizerWithoutARuleSaysSo()
    {
        var model = Network();
        var optimizer = new NoRule(model.NamedParameters());
        SetGradients(model);
        var e = Assert.Throws<NotImplementedException>(optimizer.Step);
        Assert.Contains("NoRule overrides neither", e.Message);
    }

    [Fact]
    public void PassingTheViewAllocatesNothingPerParameter()
    {
        long AllocatedPerStep(int parameterCount)
        {
            var parameters = Enumerable.Range(0, parameterCount).Select(i =>
            {
                var t = Tensor.Zeros(4, 4);
                t.RequiresGrad = true;
                t.Grad = Tensor.Full(1f, 4, 4);
                return new NamedParameter($"p{i}", t);
            }).ToList();
            var optimizer = new ShapeAware(parameters) { Record = false };
            for (int i = 0; i < 3; i++) optimizer.Step();   // warm up
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 10; i++) optimizer.Step();
            return (GC.GetAllocatedBytesForCurrentThread() - before) / 10;
        }
        Assert.Equal(AllocatedPerStep(1), AllocatedPerStep(50));
    }
}
