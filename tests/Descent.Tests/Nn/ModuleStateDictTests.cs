using Descent.Lab.Problems;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Nn;

public class ModuleStateDictTests
{
    private static Sequential Network(ulong seed) =>
        new(new Linear(3, 4, new Rng(seed)), new BatchNorm1d(4), new ReLU(), new Linear(4, 2, new Rng(seed + 1)));

    [Fact]
    public void TheStateDictHoldsCopiesOfParametersAndBuffersInTorchsOrder()
    {
        var model = Network(0);
        var state = model.StateDict();
        Assert.Equal(["0.weight", "0.bias", "1.weight", "1.bias", "1.running_mean", "1.running_var", "3.weight", "3.bias"], state.Keys);
        float before = state["0.weight"].ToArray()[0];
        model.NamedParameters()[0].Value.Span[0] += 1f;
        Assert.Equal(before, state["0.weight"].ToArray()[0]);
        Assert.False(state["0.weight"].RequiresGrad);
    }

    [Fact]
    public void LoadingCopiesValuesIntoTheModelsOwnTensors()
    {
        var source = Network(0);
        source.Forward(Tensor.FromArray([1f, 2f, 3f, -1f, 0f, 4f], 2, 3));   // moves the running statistics
        var target = Network(7);
        var weight = target.NamedParameters()[0].Value;
        var optimizer = new Sgd(target.NamedParameters(), new SgdOptions { Lr = 0.1 });
        target.LoadStateDict(source.StateDict());
        Assert.Same(weight, target.NamedParameters()[0].Value);
        foreach (var (name, value) in source.StateDict()) Assert.Equal(value.ToArray(), target.StateDict()[name].ToArray());
        Assert.Same(weight, optimizer.ParamGroups[0].Parameters[0].Value);
    }

    [Fact]
    public void AMismatchChangesNothingAndNamesEveryDifference()
    {
        var target = Network(7);
        var before = target.StateDict();
        var wrong = new Dictionary<string, Tensor>(Network(0).StateDict());
        wrong.Remove("1.running_var");
        wrong["extra.weight"] = Tensor.Zeros(1);
        wrong["3.bias"] = Tensor.Zeros(3);
        var e = Assert.Throws<ArgumentException>(() => target.LoadStateDict(wrong));
        Assert.Equal("stateDict", e.ParamName);
        Assert.Contains("missing '1.running_var'", e.Message);
        Assert.Contains("unexpected 'extra.weight'", e.Message);
        Assert.Contains("'3.bias' has shape [3], the module's has [2]", e.Message);
        foreach (var (name, value) in before) Assert.Equal(value.ToArray(), target.StateDict()[name].ToArray());
    }

    [Fact]
    public void NonStrictLoadingSkipsMissingAndUnexpectedNamesButNotWrongShapes()
    {
        var target = Network(7);
        var partial = new Dictionary<string, Tensor> { ["0.bias"] = Tensor.Full(2f, 4), ["other"] = Tensor.Zeros(1) };
        target.LoadStateDict(partial, strict: false);
        Assert.Equal([2f, 2f, 2f, 2f], target.StateDict()["0.bias"].ToArray());
        partial["0.bias"] = Tensor.Zeros(5);
        Assert.Throws<ArgumentException>(() => target.LoadStateDict(partial, strict: false));
    }

    [Fact]
    public void TheMlpProblemsNameTheirParametersAsNnSequential()
    {
        var model = new Mlp(784, [512, 256], 10, new Rng(0));
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], model.NamedParameters().Select(p => p.Name));
    }
}
