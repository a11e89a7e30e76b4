using System.Text;
using Descent.Conformance;
using Descent.Optim;

namespace Descent.Tests.Conformance;

/// <summary>
/// What the recordings of reference implementations add to the optimizer format (docs/conformance-format.md): string,
/// object and None option values, state that is not parameter-shaped, wrapper keys, group scalars, the evaluation
/// point, closed-loop cases with a loss instead of gradients, informational fields, and optional names and state.
/// </summary>
public class RecordingFormatExtensionTests
{
    private static OptimizerRecording Parse(string json) => OptimizerRecording.Parse(Encoding.UTF8.GetBytes(json), "r.json");

    private const string Rich = """
        {"torch": "1.13.0a0", "dtype": "float32", "source": {"repo": "r", "commit": "c", "path": "p"},
         "cases": [{"optimizer": "Wrapper", "seed": 3, "init_scale": 0.5, "grad_offset": 0.25, "grad_none_at": [[1, 0]],
                    "options": {"optimizer": "Adam", "options": {"lr": 0.01}, "mode": "pullback", "eps": [null, 0.001], "beta3": null},
                    "shapes": [[2], [2, 3]], "init": [[1, 2], [1, 2, 3, 4, 5, 6]],
                    "grads": [[null, [1, 1, 1, 1, 1, 1]]],
                    "params_after_step": [[[1, 2], [0, 1, 2, 3, 4, 5]]],
                    "state_after_step": [[{}, {"row_var": [0.5, 0.25], "d": 2.0, "flag": true, "buf": null, "inner.step": 1.0}]],
                    "group_after_step": [{"k": 1, "train_mode": true}],
                    "eval_params_after_step": [[[1, 2], [0, 1, 2, 3, 4, 5]]]}]}
        """;

    [Fact]
    public void ReadsEveryExtension()
    {
        var c = Parse(Rich).Cases.Single();
        Assert.Equal("Wrapper(optimizer='Adam', options={'lr': 0.01}, mode='pullback', eps=[None, 0.001], beta3=None)", c.Name);
        Assert.Equal("Adam", c.Options["optimizer"]);
        Assert.Equal(0.01, ((IReadOnlyDictionary<string, object>)c.Options["options"])["lr"]);
        Assert.Equal(new double?[] { null, 0.001 }, c.Options["eps"]);
        Assert.Same(TorchOptions.None, c.Options["beta3"]);
        var state = c.StateAfterStep![0][1];
        Assert.Equal([0.5f, 0.25f], state["row_var"].Values!);   // two values for a 2×3 parameter
        Assert.Equal((TorchStateKind.Number, 1.0), (state["flag"].Kind, state["flag"].Number));
        Assert.Equal(TorchStateKind.None, state["buf"].Kind);
        Assert.Equal(1.0, state["inner.step"].Number);
        Assert.Empty(c.StateAfterStep[0][0]);
        Assert.Equal(1.0, c.GroupAfterStep![0]["train_mode"]);
        Assert.Equal([0f, 1, 2, 3, 4, 5], c.EvalParamsAfterStep![0][1]);
        Assert.Equal((3L, 0.5, 0.25), (c.Seed!.Value, c.InitScale!.Value, c.GradOffset!.Value));
        Assert.Equal([(1, 0)], c.GradNoneAt!);
    }

    [Fact]
    public void NestedAndNoneOptionsReadThroughTorchOptions()
    {
        var o = new TorchOptions(Parse(Rich).Cases.Single().Options);
        Assert.Equal("Adam", o.Text("optimizer", null));
        Assert.Equal(0.01, o.Nested("options").Number("lr", 1));
        Assert.Equal(((double?)null, 0.001), o.NullablePair("eps", (1e-30, 1e-3)));
        Assert.Equal(0.7, o.Number("beta3", 0.7));   // None means the default
    }

    private const string ClosedLoop = """
        {"torch": "1.13.0a0", "dtype": "float32",
         "cases": [{"name": "q", "optimizer": "SGD", "options": {"lr": 0.5},
                    "shapes": [[2]], "init": [[1, -2]],
                    "loss": {"kind": "quadratic", "a": [[1, 0.5]], "b": [[0.5, 0]], "formula": "sum(0.5*a*p^2 + b*p)"},
                    "params_after_step": [[[0.25, -1.5]], [[-0.125, -1.125]]],
                    "grads_seen": [[[[1.5, -1]]], [[[0.75, -0.75]]]]}]}
        """;

    [Fact]
    public void AClosedLoopCaseStepsThroughItsLossAndComparesTheGradientsSeen()
    {
        var c = Parse(ClosedLoop).Cases.Single();
        Assert.Null(c.Grads);
        Assert.Null(c.StateAfterStep);
        var result = OptimizerReplay.Run(c, rtol: 0, atol: 0);
        Assert.True(result.Passed, result.Failure);

        var wrong = c with { GradsSeen = [c.GradsSeen![0], [[[0.75f, -0.5f]]]] };
        Assert.Equal("step 2, gradient 1, tensor p0 element 1: torch -0.5, Descent -0.75", OptimizerReplay.Run(wrong).FirstMismatch);
    }

    [Fact]
    public void GroupScalarsAndTheEvaluationPointAreComparedWhenRecorded()
    {
        var c = Parse(ClosedLoop).Cases.Single();
        var withGroup = c with { GroupAfterStep = [new Dictionary<string, double> { ["k"] = 1 }, new Dictionary<string, double> { ["k"] = 2 }] };
        Assert.StartsWith("step 1, group 0, 'k': torch has 1, Descent keeps no group scalar of that name", OptimizerReplay.Run(withGroup).FirstMismatch);
        var withEval = c with { EvalParamsAfterStep = c.ParamsAfterStep };
        Assert.Equal("step 1: the case records eval_params_after_step, but Sgd has no train/eval switch", OptimizerReplay.Run(withEval).FirstMismatch);
    }

    public static TheoryData<string, string, string> Malformations => new()
    {
        { "\"grads\": [[[1, 1]]], \"loss\": {\"kind\": \"quadratic\", \"a\": [[1, 1]], \"b\": [[0, 0]]}", "$.cases[0]", "has both \"grads\" and \"loss\"" },
        { "\"seed\": 1", "$.cases[0]", "has no \"grads\"" },
        { "\"grads\": [[[1, 1]]], \"grad_none_at\": [[1, 0]]", "$.cases[0].grad_none_at[0]", "says step 1 has no gradient for tensor 0, but grads gives one" },
        { "\"grads\": [[[1, 1]]], \"group_after_step\": [{\"k\": 1}, {\"k\": 2}]", "$.cases[0].group_after_step", "has 2 steps, params_after_step has 1" },
        { "\"grads\": [[[1, 1]]], \"group_after_step\": [{\"k\": \"one\"}]", "$.cases[0].group_after_step[0].k", "must be a finite number" },
        { "\"grads\": [[[1, 1]]], \"eval_params_after_step\": [[[1]]]", "$.cases[0].eval_params_after_step[0][0]", "has 1 values, its shape has 2" },
        { "\"grads\": [[[1, 1]]], \"seed\": 1.5", "$.cases[0].seed", "must be an integer" },
        { "\"loss\": {\"kind\": \"cubic\", \"a\": [[1, 1]], \"b\": [[0, 0]]}", "$.cases[0].loss.kind", "must be \"quadratic\"" },
        { "\"grads\": [[[1, 1]]], \"grads_seen\": [[[[1, 1]]]]", "$.cases[0].grads_seen", "is only for a closed-loop case" },
        { "\"grads\": [[[1, 1]]], \"state_after_step\": [[{\"x\": {}}]]", "$.cases[0].state_after_step[0][0].x", "must be a number, true/false, an array of numbers or null" },
    };

    [Theory]
    [MemberData(nameof(Malformations))]
    public void AMalformedExtensionNamesItsJsonLocation(string fields, string jsonPath, string problem)
    {
        string json = $$"""{"torch": "1", "dtype": "float32", "cases": [{"optimizer": "SGD", "options": {}, "shapes": [[2]], "init": [[0, 0]], "params_after_step": [[[0, 0]]], {{fields}}}]}""";
        var e = Assert.Throws<RecordingFormatException>(() => Parse(json));
        Assert.Equal(jsonPath, e.JsonPath);
        Assert.Contains(problem, e.Message);
    }

    [Fact]
    public void UnnamedCasesAreNamedByTheirConfigurationAndKeptApart()
    {
        string one = """{"optimizer": "SGD", "options": {"lr": 0.1}, "shapes": [[1]], "init": [[0]], "grads": [[[1]]], "params_after_step": [[[-0.1]]]}""";
        var names = Parse($$"""{"torch": "1", "dtype": "float32", "cases": [{{one}}, {{one}}]}""").Cases.Select(c => c.Name);
        Assert.Equal(["SGD(lr=0.1)", "SGD(lr=0.1) #2"], names);
        Assert.True(OptimizerReplay.Run(Parse($$"""{"torch": "1", "dtype": "float32", "cases": [{{one}}]}""").Cases[0], 0, 0).Passed);
    }

    [Fact]
    public void AnUnnamedScheduleCaseIsNamedByItsScheduler()
    {
        var fixture = ScheduleRecording.Parse(Encoding.UTF8.GetBytes(
            """{"torch": "1", "cases": [{"scheduler": "StepLR", "options": {"step_size": 2}, "base_lr": 0.1, "lr": [0.1, 0.1, 0.01]}]}"""), "s.json");
        var c = fixture.Cases.Single();
        Assert.Equal("StepLR(step_size=2)", c.Name);
        Assert.True(ScheduleCheck.Run(c, 0, 1e-12).Passed);
    }
}
