using Descent.Lab.Compare;

namespace Descent.Tests.Lab;

public class OptimizerListTests
{
    [Fact]
    public void ParsesLabelsNamesAndTorchOptions()
    {
        var entries = OptimizerList.Parse("sgd:lr=0.05; momentum=sgd:lr=0.05,momentum=0.9; adam:lr=1e-3,betas=(0.8,0.99),amsgrad=true");
        Assert.Equal(["sgd", "momentum", "adam"], entries.Select(e => e.Label));
        Assert.Equal("sgd", entries[1].Spec.Name);
        Assert.Equal(0.9, entries[1].Spec.Options["momentum"]);
        Assert.Equal(new[] { 0.8, 0.99 }, (double[])entries[2].Spec.Options["betas"]);
        Assert.Equal(true, entries[2].Spec.Options["amsgrad"]);
        Assert.Equal(1e-3, entries[2].Spec.Options["lr"]);
    }

    [Fact]
    public void NamedVariantsAreSgdWithMomentum()
    {
        var entries = OptimizerList.Parse("momentum:lr=0.05\nnesterov:lr=0.05,momentum=0.8; [name]=adam:betas=[0.9,0.9]");
        Assert.Equal(["momentum", "nesterov", "[name]"], entries.Select(e => e.Label));
        Assert.Equal("sgd", entries[0].Spec.Name);
        Assert.Equal(0.9, entries[0].Spec.Options["momentum"]);
        Assert.Equal(0.8, entries[1].Spec.Options["momentum"]);
        Assert.Equal(true, entries[1].Spec.Options["nesterov"]);
    }

    [Fact]
    public void APresetStandsForItsOptimizers()
    {
        var entries = OptimizerList.Parse("lectures; adamw:lr=1e-3");
        Assert.Equal(["sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam", "adamw"], entries.Select(e => e.Label));
        Assert.Equal(0.1, entries[0].Spec.Options["lr"]);
        Assert.Equal(1.0, entries[4].Spec.Options["lr"]);
        Assert.Equal(7, Presets.Get("Lectures").Count);
    }

    [Fact]
    public void RepeatedNamesAreLabelledWithTheirOptionsAndRepeatedLabelsAreErrors()
    {
        var entries = OptimizerList.Parse("adam:lr=0.01; adam:lr=0.001");
        Assert.Equal(["adam(lr=0.01)", "adam(lr=0.001)"], entries.Select(e => e.Label));
        var e = Assert.Throws<ArgumentException>(() => OptimizerList.Parse("a=adam:lr=0.01; a=sgd:lr=0.1"));
        Assert.Contains("two optimizers are labelled 'a'", e.Message);
    }

    [Theory]
    [InlineData("adamx:lr=0.1", "unknown optimizer 'adamx' (did you mean 'adam'?); known optimizers: sgd, adagrad, adadelta, rmsprop, rprop, asgd, adam, adamw, adamax, nadam, radam")]
    [InlineData("Adamx", "momentum, nesterov; presets: lectures")]
    [InlineData("sgd:lr=0.1,betas=(0.9,0.99)", "optimizer 'sgd': betas=0.9,0.99: SGD has no option 'betas'")]
    [InlineData("adam:lr=fast", "optimizer 'adam': lr=fast: must be a number")]
    [InlineData("lookahead:optimizer=ad-am", "optimizer=ad-am is not a number, true/false, numbers as (a,b) or [a,b], or a name")]
    [InlineData("lookahead:optimizer=adamx", "optimizer 'lookahead'")]
    [InlineData("adam:lr", "expected KEY=VALUE")]
    [InlineData("sgd", "optimizer 'sgd': lr: a value is required")]
    [InlineData("adam:betas=(0.9,x)", "holds 'x', not a number")]
    [InlineData(" ; ", "no optimizers given")]
    [InlineData("=adam", "empty label")]
    [InlineData("sgd:lr=-1", "optimizer 'sgd'")]
    public void BadEntriesAreErrorsNamingTheProblem(string text, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => OptimizerList.Parse(text));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void ANameIsATextOptionSuchAsAWrappersInnerOptimizer()
    {
        var entries = OptimizerList.Parse("adam:lr=0.05; lookahead:lr=0.001,optimizer=adam,pullback_momentum=none; sam:base_optimizer=SGD,lr=0.1,rho=0.05; lbfgs:line_search_fn=strong_wolfe");
        Assert.Equal(["adam", "lookahead", "sam", "lbfgs"], entries.Select(e => e.Label));
        Assert.Equal("adam", entries[1].Spec.Options["optimizer"]);
        Assert.Equal("none", entries[1].Spec.Options["pullback_momentum"]);
        Assert.Equal(0.001, entries[1].Spec.Options["lr"]);
        Assert.Equal("SGD", entries[2].Spec.Options["base_optimizer"]);
        Assert.Equal("strong_wolfe", entries[3].Spec.Options["line_search_fn"]);
        Assert.Equal("lookahead(lr=0.001, optimizer=adam, pullback_momentum=none)", entries[1].Spec.ToString());
        var inner = Assert.IsType<Descent.Optim.Lookahead>(entries[1].Spec.Validate());
        Assert.IsType<Descent.Optim.Adam>(inner.Inner);
    }

    [Fact]
    public void NumbersFlagsAndPairsAreNotNames()
    {
        var spec = OptimizerList.Parse("adam:lr=1e3,amsgrad=True,betas=[0.5,0.6],eps=1E-8")[0].Spec;
        Assert.Equal(1000.0, spec.Options["lr"]);
        Assert.Equal(true, spec.Options["amsgrad"]);
        Assert.Equal(new[] { 0.5, 0.6 }, spec.Options["betas"]);
        Assert.Equal(1e-8, spec.Options["eps"]);
    }

    [Theory]
    [InlineData("0.5", 0.5)]
    [InlineData("-1e-3", -1e-3)]
    [InlineData("TRUE", true)]
    [InlineData("false", false)]
    [InlineData("adam", "adam")]
    [InlineData("strong_wolfe", "strong_wolfe")]
    [InlineData("2nd", "2nd")]
    public void OneParserReadsTheValuesOfTheListsAndOfOpt(string text, object expected)
    {
        Assert.True(Descent.Optim.TorchOptions.TryParseValue(text, out var value, out var problem));
        Assert.Null(problem);
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("(0.9,0.99)")]
    [InlineData("[0.9,0.99]")]
    [InlineData("0.9,0.99")]
    public void PairsAreBracketedOrBare(string text)
    {
        Assert.True(Descent.Optim.TorchOptions.TryParseValue(text, out var value, out _));
        Assert.Equal(new[] { 0.9, 0.99 }, value);
    }

    [Theory]
    [InlineData("", "is not a number, true/false")]
    [InlineData("ad-am", "is not a number, true/false")]
    [InlineData("(0.9,x)", "holds 'x', not a number")]
    [InlineData("0,1,", "holds '', not a number")]
    public void OtherValuesAreRefusedSayingWhy(string text, string expected)
    {
        Assert.False(Descent.Optim.TorchOptions.TryParseValue(text, out var value, out var problem));
        Assert.Null(value);
        Assert.StartsWith(expected, problem);
    }

    [Fact]
    public void UnknownPresetsListTheKnownOnes()
    {
        var e = Assert.Throws<ArgumentException>(() => Presets.Get("classics"));
        Assert.Contains("presets: lectures", e.Message);
    }
}

public class ExperimentFileTests
{
    [Fact]
    public void AnExperimentRoundTripsThroughItsJson()
    {
        var experiment = new Experiment
        {
            Name = "x1", Problem = "fmnist-mlp", Optimizers = OptimizerList.Parse("momentum:lr=0.05; adam:lr=1e-3,betas=(0.8,0.9)"),
            Epochs = 3, BatchSize = 64, Seeds = [4, 9], TrainLimit = 100, Landscapes = ["rosenbrock"], LandscapeSteps = 50,
        };
        var back = ExperimentFile.Parse(new System.Text.Json.Nodes.JsonObject { ["experiment"] = experiment.ToJson(), ["environment"] = new System.Text.Json.Nodes.JsonObject() }.ToJsonString(), "other");
        Assert.Equal(experiment.ToJson().ToJsonString(), back.ToJson().ToJsonString());
        Assert.Equal("x1", back.Name);
        Assert.Equal([4UL, 9UL], back.Seeds);
    }

    [Fact]
    public void AFileMayUseThePresetTheListSyntaxOrObjectsAndASeedCount()
    {
        var e = ExperimentFile.Parse("""
            // comments are allowed
            { "problem": "fmnist-mlp", "preset": "lectures", "seeds": 3, "epochs": 2,
              "optimizers": ["adamw:lr=1e-3", { "label": "slow", "optimizer": "sgd", "options": { "lr": 0.01, "momentum": 0.9, "nesterov": true } }], }
            """, "file");
        Assert.Equal("file", e.Name);
        Assert.Equal(9, e.Optimizers.Count);
        Assert.Equal("slow", e.Optimizers[^1].Label);
        Assert.Equal(true, e.Optimizers[^1].Spec.Options["nesterov"]);
        Assert.Equal([0UL, 1UL, 2UL], e.Seeds);
        Assert.Equal(2, e.Epochs);
        e.Validate();
    }

    [Theory]
    [InlineData("""{"problem": "p", "optimizers": "adam", "epoch": 3}""", "unknown key 'epoch'; known keys: name, problem, epochs")]
    [InlineData("""{"optimizers": "adam"}""", "\"problem\" is missing")]
    [InlineData("""{"problem": "p", "optimizers": "adam", "seeds": 0}""", "\"seeds\" must be a count")]
    [InlineData("""{"problem": "p", "optimizers": [{"optimizer": "adam", "lr": 1}]}""", "unknown key 'lr' in an optimizer")]
    [InlineData("""{"problem": "p", "optimizers": "adam", "epochs": "ten"}""", "\"epochs\" must be an integer")]
    [InlineData("""{"problem": "p" """, "not valid JSON")]
    public void BadFilesAreErrorsNamingTheKey(string json, string expected)
    {
        var e = Assert.Throws<ArgumentException>(() => ExperimentFile.Parse(json, "x"));
        Assert.Contains(expected, e.Message);
    }

    [Theory]
    [InlineData("../up", "use letters, digits")]
    [InlineData("ok", "seeds must be distinct")]
    public void ValidationNamesTheSetting(string name, string expected)
    {
        var e = new Experiment { Name = name, Problem = "p", Optimizers = OptimizerList.Parse("adam"), Seeds = name == "ok" ? [1, 1] : [0] };
        Assert.Contains(expected, Assert.ThrowsAny<ArgumentException>(e.Validate).Message);
    }
}
