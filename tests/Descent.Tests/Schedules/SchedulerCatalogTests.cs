using Descent.Schedules;
using static Descent.Tests.Schedules.Probes;

namespace Descent.Tests.Schedules;

/// <summary>Building schedulers by torch name and keyword options.</summary>
public class SchedulerCatalogTests
{
    private static Dictionary<string, object> Options(params (string Key, object Value)[] entries) =>
        entries.ToDictionary(e => e.Key, e => e.Value);

    [Fact]
    public void BuildsByTorchNameCaseInsensitively()
    {
        var s = SchedulerCatalog.Create("steplr", Sgd(), Options(("step_size", 3.0), ("gamma", 0.5)));
        var step = Assert.IsType<StepLR>(s);
        Assert.Equal(3, step.StepSize);
        Assert.Equal(0.5, step.Gamma);
    }

    [Fact]
    public void AnUnknownNameListsTheKnownOnes()
    {
        var e = Rejects("name", () => SchedulerCatalog.Create("CosineLR", Sgd(), Options()));
        Assert.Contains("unknown scheduler 'CosineLR'", e.Message);
        Assert.Contains("CosineAnnealingLR", e.Message);
        Assert.Contains("ReduceLROnPlateau", e.Message);
    }

    [Fact]
    public void AnUnknownOptionListsTheSchedulersOptionsAndChangesNothing()
    {
        var sgd = Sgd(0.1);
        var e = Rejects("T_maks", () => SchedulerCatalog.Create("CosineAnnealingLR", sgd, Options(("T_max", 10.0), ("T_maks", 5.0))));
        Assert.Contains("CosineAnnealingLR has no option 'T_maks'; its options: T_max, eta_min", e.Message);
        Assert.Equal(0.1, sgd.Group(0).Options.Lr);
    }

    [Fact]
    public void LastEpochIsNotAnOptionAndSaysHowToResume()
    {
        var e = Rejects("last_epoch", () => SchedulerCatalog.Create("StepLR", Sgd(), Options(("step_size", 2.0), ("last_epoch", 5.0))));
        Assert.Contains("load its state dict", e.Message);
    }

    [Fact]
    public void AnInvalidValueIsNamedByItsTorchName()
    {
        var e = Rejects("T_max", () => SchedulerCatalog.Create("CosineAnnealingLR", Sgd(), Options(("T_max", 0.0))));
        Assert.StartsWith("CosineAnnealingLR option 'T_max': T_max must be an integer >= 1 (got 0)", e.Message);
        Rejects("step_size_up", () => SchedulerCatalog.Create("CyclicLR", Sgd(), Options(("base_lr", 0.1), ("max_lr", 1.0), ("step_size_up", 0.0))));
        Rejects("final_div_factor", () => SchedulerCatalog.Create("OneCycleLR", Sgd(), Options(("max_lr", 0.1), ("total_steps", 10.0), ("final_div_factor", -1.0))));
    }

    [Fact] public void ARequiredOptionIsNamed() => Assert.Contains("'step_size' is required", Rejects("step_size", () => SchedulerCatalog.Create("StepLR", Sgd(), Options())).Message);
    [Fact] public void ANonIntegerIsRejected() => Rejects("step_size", () => SchedulerCatalog.Create("StepLR", Sgd(), Options(("step_size", 2.5))));
    [Fact] public void TextForANumberIsRejected() => Rejects("gamma", () => SchedulerCatalog.Create("ExponentialLR", Sgd(), Options(("gamma", "big"))));
    [Fact] public void AnUnknownModeListsTheModes() => Assert.Contains("triangular, triangular2, exp_range", Rejects("mode", () => SchedulerCatalog.Create("CyclicLR", Sgd(), Options(("base_lr", 0.1), ("max_lr", 1.0), ("mode", "square")))).Message);
    [Fact] public void AListForAnIntegerIsRejected() => Rejects("T_0", () => SchedulerCatalog.Create("CosineAnnealingWarmRestarts", Sgd(), Options(("T_0", new[] { 1.0, 2.0 }))));
    [Fact] public void LambdaLRNeedsFunctions() => Rejects("lr_lambda", () => SchedulerCatalog.Create("LambdaLR", Sgd(), Options()));
    [Fact] public void SequentialLRNeedsChildren() => Rejects("schedulers", () => SchedulerCatalog.Create("SequentialLR", Sgd(), Options(("milestones", new[] { 3.0 }))));

    [Fact]
    public void ListsAndFunctionsAreAccepted()
    {
        var sgd = Sgd(0.1, 0.9, 0.2);
        var m = Assert.IsType<MultiStepLR>(SchedulerCatalog.Create("MultiStepLR", sgd, Options(("milestones", new[] { 2.0, 5.0 }))));
        Assert.Equal([2L, 5L], m.Milestones);
        var one = Assert.IsType<OneCycleLR>(SchedulerCatalog.Create("OneCycleLR", sgd, Options(("max_lr", new[] { 1.0, 2.0 }), ("total_steps", 10.0))));
        Assert.Equal(2.0 / 25, sgd.Group(1).Options.Lr, 15);
        Assert.Equal(10, one.TotalSteps);
        var lambda = SchedulerCatalog.Create("LambdaLR", sgd, Options(), new SchedulerFunctions { LrLambdas = [e => 0.5] });
        // built after OneCycleLR, LambdaLR starts from the initial_lr OneCycleLR set (max_lr / div_factor), as in torch
        Assert.Equal([1.0 / 25 * 0.5, 2.0 / 25 * 0.5], lambda.LastLr);
    }

    [Fact]
    public void TheNamesAreTorchs() => Assert.Equal(
        ["ChainedScheduler", "ConstantLR", "CosineAnnealingLR", "CosineAnnealingWarmRestarts", "CyclicLR", "ExponentialLR", "LambdaLR",
         "LinearLR", "MultiStepLR", "MultiplicativeLR", "OneCycleLR", "PolynomialLR", "ReduceLROnPlateau", "SequentialLR", "StepLR"],
        SchedulerCatalog.Names.Order(StringComparer.Ordinal));
}
