using System.Text.Json.Nodes;
using Descent.Lab.Compare;
using Descent.Lab.Tuning;

namespace Descent.Tests.Tuning;

public class StudyFileTests
{
    private const string Study = """
        name: s
        problem: fmnist-logreg
        epochs: 4
        objective: { metric: test_accuracy, at: final, direction: maximize }
        optimizer: adam
        space:
          lr: { log_uniform: [1e-5, 1e-1] }
          betas.0: { uniform: [0.8, 0.99] }
          weight_decay: { choice: [0, 1e-4, 1e-3] }
          batch_size: { choice: [32, 64] }
        sampler: tpe
        pruner: asha
        trials: 50
        """;

    private static StudyDefinition Parse(string yaml) => StudyFile.Parse(YamlDocument.Parse(yaml), "x");

    [Fact]
    public void ReadsTheIssueExampleAndResolvesATrial()
    {
        var s = Parse(Study);
        Assert.Equal(50, s.Trials);
        Assert.Equal(4, s.Space.Branches[0].Parameters.Count);
        var values = new Dictionary<string, ParameterValue>
        {
            ["lr"] = ParameterValue.Of(0.01), ["betas.0"] = ParameterValue.Of(0.85), ["weight_decay"] = ParameterValue.Of(1e-4), ["batch_size"] = ParameterValue.Of(32),
        };
        var spec = s.Space.OptimizerFor(values);
        Assert.Equal(new[] { 0.85, 0.999 }, (double[])spec.Options["betas"]);
        Assert.Equal(32, s.OptionsFor(values, 0).BatchSize);
        Assert.False(spec.Options.ContainsKey("batch_size"));
    }

    [Theory]
    [InlineData("lr: { log_uniform: [0, 1e-1] }", "space.lr.log_uniform")]
    [InlineData("lr: { choice: [] }", "space.lr.choice")]
    [InlineData("lrr: { uniform: [0.1, 0.2] }", "space.lrr")]
    [InlineData("lr: { uniform: [0.2, 0.1] }", "space.lr.uniform")]
    [InlineData("lr: { normal: [0.2, 0.1] }", "space.lr")]
    [InlineData("betas.0: { uniform: [0.5, 1.5] }", "space.betas")]
    public void BadSpacesAreRefusedNamingTheKey(string line, string key)
    {
        string yaml = "problem: fmnist-logreg\noptimizer: adam\nspace:\n  " + line + "\n";
        var e = Assert.ThrowsAny<ArgumentException>(() => Parse(yaml));
        Assert.Contains(key, e.Message);
    }

    [Fact]
    public void UnknownKeysOptimizersAndSamplersAreRefused()
    {
        Assert.Contains("unknown key 'trails'", Assert.ThrowsAny<ArgumentException>(() => Parse("problem: fmnist-logreg\noptimizer: sgd\ntrails: 3\n")).Message);
        Assert.Contains("optimizer", Assert.ThrowsAny<ArgumentException>(() => Parse("problem: fmnist-logreg\noptimizer: adamm\n")).Message);
        Assert.Contains("sampler", Assert.ThrowsAny<ArgumentException>(() => Parse("problem: fmnist-logreg\noptimizer: sgd\nsampler: bayes\n")).Message);
    }

    [Fact]
    public void SeveralOptimizersMakeTheOptimizerACategoricalWithConditionalSpaces()
    {
        var s = Parse("problem: fmnist-logreg\noptimizers:\n  sgd: { momentum: { uniform: [0, 0.9] } }\n  adam: {}\nspace:\n  lr: { log_uniform: [1e-4, 1] }\n");
        Assert.True(s.Space.ChoosesOptimizer);
        var sgd = s.Space.Branches.Single(b => b.Optimizer == "sgd");
        Assert.Equal(["lr", "momentum"], sgd.Parameters.Select(p => p.Name));
        var again = StudyFile.Parse(JsonNode.Parse(s.Json.ToJsonString()), "x");
        Assert.Empty(again.DifferencesFrom(s.Json));
    }

    [Fact]
    public void ADifferentDefinitionIsNamedKeyByKey()
    {
        var a = Parse(Study);
        var b = Parse(Study.Replace("1e-5", "1e-4"));
        var d = Assert.Single(b.DifferencesFrom(a.Json));
        Assert.StartsWith("space.lr", d);
        Assert.Empty(Parse(Study.Replace("trials: 50", "trials: 80")).DifferencesFrom(a.Json));
    }
}
