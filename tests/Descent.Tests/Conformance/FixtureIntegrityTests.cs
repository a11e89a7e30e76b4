using System.Text;
using Descent.Conformance;

namespace Descent.Tests.Conformance;

/// <summary>
/// Guards the coverage of optimizers.json, so a re-recording cannot quietly drop an optimizer, an option or one of
/// the awkward situations (empty and one-element tensors, all-zero gradients, missing gradients, lr changes).
/// </summary>
public class FixtureIntegrityTests
{
    /// <summary>
    /// Every torch.optim 1.13 optimizer but LBFGS and SparseAdam, with all of its keyword options except the ones
    /// that only choose an implementation (foreach, capturable, differentiable, fused).
    /// </summary>
    public static readonly IReadOnlyDictionary<string, string[]> ExpectedOptions = new Dictionary<string, string[]>
    {
        ["SGD"] = ["lr", "momentum", "dampening", "weight_decay", "nesterov", "maximize"],
        ["Adagrad"] = ["lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps", "maximize"],
        ["Adadelta"] = ["lr", "rho", "eps", "weight_decay", "maximize"],
        ["RMSprop"] = ["lr", "alpha", "eps", "weight_decay", "momentum", "centered", "maximize"],
        ["Adam"] = ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
        ["AdamW"] = ["lr", "betas", "eps", "weight_decay", "amsgrad", "maximize"],
        ["Adamax"] = ["lr", "betas", "eps", "weight_decay", "maximize"],
        ["NAdam"] = ["lr", "betas", "eps", "weight_decay", "momentum_decay"],
        ["RAdam"] = ["lr", "betas", "eps", "weight_decay"],
        ["Rprop"] = ["lr", "etas", "step_sizes", "maximize"],
        ["ASGD"] = ["lr", "lambd", "alpha", "t0", "weight_decay", "maximize"],
    };

    private static IReadOnlyList<OptimizerCase> Cases => OptimizerFixtures.Recording.Cases;

    [Fact]
    public void RecordsFloat32FromTorch113()
    {
        Assert.Equal("float32", OptimizerFixtures.Recording.Dtype);
        Assert.StartsWith("1.13", OptimizerFixtures.Recording.Torch);
    }

    [Fact]
    public void EveryOptimizerHasCases()
    {
        var missing = ExpectedOptions.Keys.Where(o => !Cases.Any(c => c.Optimizer == o)).ToList();
        Assert.True(missing.Count == 0, $"no case for {string.Join(", ", missing)}");
        var unexpected = Cases.Select(c => c.Optimizer).Distinct().Where(o => !ExpectedOptions.ContainsKey(o)).ToList();
        Assert.True(unexpected.Count == 0, $"cases for optimizers outside the list: {string.Join(", ", unexpected)}");
    }

    [Fact]
    public void EveryOptionAppearsInSomeCase()
    {
        var problems = new StringBuilder();
        foreach (var (optimizer, options) in ExpectedOptions)
        {
            var used = Cases.Where(c => c.Optimizer == optimizer).SelectMany(c => c.Options.Keys).ToHashSet();
            foreach (var o in options.Where(o => !used.Contains(o))) problems.AppendLine($"{optimizer}: option '{o}' appears in no case");
            foreach (var o in used.Where(o => !options.Contains(o))) problems.AppendLine($"{optimizer}: option '{o}' is not a torch option");
        }
        Assert.True(problems.Length == 0, problems.ToString());
    }

    [Fact]
    public void OptionValuesHaveTheTorchTypes()
    {
        string[] pairs = ["betas", "etas", "step_sizes"];
        string[] flags = ["nesterov", "maximize", "amsgrad", "centered"];
        foreach (var c in Cases)
            foreach (var (key, value) in c.Options)
            {
                if (pairs.Contains(key)) Assert.True(value is double[] { Length: 2 }, $"{c.Name}: {key} must be a pair");
                else if (flags.Contains(key)) Assert.True(value is bool, $"{c.Name}: {key} must be true or false");
                else Assert.True(value is double, $"{c.Name}: {key} must be a number");
            }
    }

    [Fact]
    public void EveryCaseHasTwentyStepsAZeroGradientStepAndAMissingGradient()
    {
        var problems = new StringBuilder();
        foreach (var c in Cases)
        {
            if (c.Steps < 20) problems.AppendLine($"{c.Name}: {c.Steps} steps, fewer than 20");
            var grads = c.Grads!;
            bool zeroStep = grads.Any(step => step.All(g => g is not null && g.All(x => x == 0f)));
            if (!zeroStep) problems.AppendLine($"{c.Name}: no step where every gradient is exactly zero");
            if (!grads.Any(step => step.Any(g => g is null))) problems.AppendLine($"{c.Name}: no tensor ever lacks a gradient");
            if (!grads[0].Any(g => g is null))
                problems.AppendLine($"{c.Name}: every tensor has a gradient at step 1 (one should start with no state)");
        }
        Assert.True(problems.Length == 0, problems.ToString());
    }

    [Fact]
    public void EveryCaseHasEmptyOneElementAndTwoDimensionalTensors()
    {
        foreach (var c in Cases)
        {
            var sizes = c.Shapes.Select(s => s.Aggregate(1, (a, b) => a * b)).ToList();
            Assert.True(sizes.Contains(0), $"{c.Name}: no tensor with 0 elements");
            Assert.True(sizes.Contains(1), $"{c.Name}: no tensor with 1 element");
            Assert.True(c.Shapes.Any(s => s.Length == 2), $"{c.Name}: no 2-D tensor");
        }
    }

    [Fact]
    public void SomeCasesHaveALargeTensor()
    {
        Assert.Contains(Cases, c => c.Shapes.Any(s => s.Aggregate(1, (a, b) => a * b) >= 1000));
    }

    [Fact]
    public void EveryOptimizerHasACaseWithTheLrHalvedMidRun()
    {
        foreach (var optimizer in ExpectedOptions.Keys)
            Assert.True(Cases.Any(c => c.Optimizer == optimizer && c.LrHalvedBeforeStep is > 1),
                $"{optimizer}: no case halves the lr mid-run");
    }

    [Fact]
    public void GradientScalesVary()
    {
        // Seeded normal gradients scaled by 1e-3 .. 10 per step and tensor.
        foreach (var c in Cases)
        {
            var scales = c.Grads!.SelectMany(step => step).Where(g => g is { Length: > 1 })
                .Select(g => g!.Max(x => Math.Abs(x))).Where(m => m > 0).ToList();
            Assert.True(scales.Max() / scales.Min() > 100, $"{c.Name}: gradient magnitudes vary by less than 100x");
        }
    }

    [Fact]
    public void MalformedFileNamesThePathAndTheJsonLocation()
    {
        const string json = """{"torch": "1.13.0", "dtype": "float32", "cases": [{"name": "x", "optimizer": "SGD", "options": {"lr": 0.1}, "shapes": [[2]], "init": [[1, 2]], "grads": [[[1, "a"]]], "params_after_step": [[[0, 1]]], "state_after_step": [[{}]]}]}""";
        var e = Assert.Throws<RecordingFormatException>(() => OptimizerRecording.Parse(Encoding.UTF8.GetBytes(json), "bad.json"));
        Assert.Equal("$.cases[0].grads[0][0][1]", e.JsonPath);
        Assert.StartsWith("bad.json: $.cases[0].grads[0][0][1] ", e.Message);

        var sizes = Assert.Throws<RecordingFormatException>(() =>
            OptimizerRecording.Parse(Encoding.UTF8.GetBytes(json.Replace("[[1, 2]]", "[[1, 2, 3]]")), "bad.json"));
        Assert.Equal("$.cases[0].init[0]", sizes.JsonPath);

        var syntax = Assert.Throws<RecordingFormatException>(() => OptimizerRecording.Parse(Encoding.UTF8.GetBytes("{\"torch\": "), "broken.json"));
        Assert.Contains("broken.json", syntax.Message);
        Assert.Contains("line 1", syntax.Message);
    }
}
