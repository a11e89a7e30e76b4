using Descent.Conformance;

namespace Descent.Tests.Conformance;

/// <summary>
/// <see cref="OptimizerReplay"/> on altered copies of the project's recording: it finds and describes a deviation in
/// the parameters or the state, measures it, and turns an unknown optimizer or option into a failed result.
/// </summary>
public class OptimizerReplayTests
{
    private static OptimizerCase Case(string name) => OptimizerFixtures.Recording.Cases.Single(c => c.Name == name);

    /// <summary>A copy of <paramref name="c"/> with params_after_step[step − 1][tensor][element] replaced.</summary>
    private static OptimizerCase WithParam(OptimizerCase c, int step, int tensor, int element, float value)
    {
        var parameters = c.ParamsAfterStep.Select(s => (IReadOnlyList<float[]>)s.Select(t => (float[])t.Clone()).ToList()).ToList();
        parameters[step - 1][tensor][element] = value;
        return c with { ParamsAfterStep = parameters };
    }

    /// <summary>A copy of <paramref name="c"/> with one entry of state_after_step[step − 1][tensor] replaced.</summary>
    private static OptimizerCase WithState(OptimizerCase c, int step, int tensor, string key, TorchStateValue value)
    {
        var state = c.StateAfterStep!.Select(s => (IReadOnlyList<IReadOnlyDictionary<string, TorchStateValue>>)s.ToList()).ToList();
        var entries = new Dictionary<string, TorchStateValue>(state[step - 1][tensor]) { [key] = value };
        ((List<IReadOnlyDictionary<string, TorchStateValue>>)state[step - 1])[tensor] = entries;
        return c with { StateAfterStep = state };
    }

    [Fact]
    public void AMatchingCaseReportsItsDeviations()
    {
        var result = OptimizerReplay.Run(Case("SGD momentum=0.9 nesterov"));
        Assert.True(result.Passed, result.Failure);
        Assert.Equal("SGD momentum=0.9 nesterov", result.Case);
        Assert.Equal("SGD", result.Subject);
        Assert.Equal("SGD(lr=0.05, momentum=0.9, nesterov=True)", result.Options);
        Assert.Equal(0, result.MaxAbsoluteDeviation);
        Assert.Equal(0, result.MaxRelativeDeviation);
        Assert.Null(result.Error);
        Assert.Null(result.FirstMismatch);
        Assert.Equal((1e-5, 1e-6), (result.Rtol, result.Atol));
    }

    [Fact]
    public void APerturbedParameterIsTheFirstMismatchWithItsStepTensorAndElement()
    {
        var c = Case("SGD momentum=0.9");
        float torch = c.ParamsAfterStep[6][3][4], perturbed = torch * 1.001f + 1e-3f;
        var result = OptimizerReplay.Run(WithParam(c, step: 7, tensor: 3, element: 4, perturbed));

        Assert.False(result.Passed);
        Assert.Null(result.Error);
        Assert.Equal($"step 7, tensor p3, params element 4: torch {PythonText.Number(perturbed)}, Descent {PythonText.Number(torch)}", result.FirstMismatch);
        Assert.Equal(Math.Abs((double)perturbed - torch), result.MaxAbsoluteDeviation, 12);
        Assert.Equal(Math.Abs((double)perturbed - torch) / Math.Abs(perturbed), result.MaxRelativeDeviation, 12);
    }

    [Fact]
    public void ThePerturbationPassesAtALooserTolerance()
    {
        var c = Case("SGD momentum=0.9");
        float torch = c.ParamsAfterStep[6][3][4];
        var perturbed = WithParam(c, 7, 3, 4, torch * (1 + 1e-4f));
        Assert.False(OptimizerReplay.Run(perturbed).Passed);
        Assert.True(OptimizerReplay.Run(perturbed, rtol: 1e-3).Passed);
        Assert.True(OptimizerReplay.Run(perturbed, rtol: 0, atol: 1).Passed);
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerReplay.Run(perturbed, rtol: -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => OptimizerReplay.Run(perturbed, atol: double.NaN));
    }

    [Fact]
    public void APerturbedStateTensorIsNamedByItsKey()
    {
        var c = Case("SGD momentum=0.9");
        var buffer = (float[])c.StateAfterStep![4][2]["momentum_buffer"].Values!.Clone();
        float torch = buffer[1];
        buffer[1] = torch + 0.5f;
        var result = OptimizerReplay.Run(WithState(c, 5, 2, "momentum_buffer", new TorchStateValue(TorchStateKind.Tensor, 0, buffer)));
        Assert.Equal($"step 5, tensor p2, state 'momentum_buffer' element 1: torch {PythonText.Number(buffer[1])}, Descent {PythonText.Number(torch)}",
            result.FirstMismatch);
        Assert.Equal(Math.Abs((double)buffer[1] - torch), result.MaxAbsoluteDeviation, 12);
    }

    [Fact]
    public void AStepCountMustBeExact()
    {
        var c = Case("Adagrad defaults");
        double step = c.StateAfterStep![9][1]["step"].Number;
        var result = OptimizerReplay.Run(WithState(c, 10, 1, "step", new TorchStateValue(TorchStateKind.Number, step + 1, null)));
        Assert.Equal($"step 10, tensor p1, state 'step': torch {PythonText.Number(step + 1)}, Descent {step}", result.FirstMismatch);
    }

    [Fact]
    public void AStateKeyDescentDoesNotKeepIsAMismatch()
    {
        var c = Case("SGD momentum=0.9");
        var result = OptimizerReplay.Run(WithState(c, 3, 4, "exp_avg", new TorchStateValue(TorchStateKind.Tensor, 0, new float[15])));
        Assert.StartsWith("step 3, tensor p4, state 'exp_avg': torch has it, Descent has no buffer of that name", result.FirstMismatch);
    }

    [Fact]
    public void AnUnknownOptimizerIsAFailedResultNamingIt()
    {
        var result = OptimizerReplay.Run(Case("SGD plain") with { Optimizer = "FancyOpt" });
        Assert.False(result.Passed);
        Assert.Contains("unknown optimizer 'FancyOpt'", result.Error);
        Assert.Equal(result.Error, result.Failure);
        Assert.True(double.IsNaN(result.MaxAbsoluteDeviation) && double.IsNaN(result.MaxRelativeDeviation));
    }

    [Fact]
    public void AnUnknownOptionIsAFailedResultNamingIt()
    {
        var c = Case("SGD plain");
        var result = OptimizerReplay.Run(c with { Options = new Dictionary<string, object> { ["lr"] = 0.1, ["fancy_option"] = 1.0 } });
        Assert.False(result.Passed);
        Assert.Contains("'fancy_option'", result.Error);
        Assert.DoesNotContain("(Parameter", result.Error);
        Assert.Equal("SGD(lr=0.1, fancy_option=1)", result.Options);
    }
}
