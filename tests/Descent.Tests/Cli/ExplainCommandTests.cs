using Descent.Cli;
using Descent.Lab.Explain;
using Descent.Optim;

namespace Descent.Tests.Cli;

public class ExplainCommandTests
{
    [Fact]
    public void PrintsTheRuleDefaultsAndStateAfterEachStep()
    {
        var r = CliRunner.Run("explain", "sgd", "--momentum", "0.9", "--steps", "2");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Contains("θ ← θ − η g", r.Output);
        Assert.Contains("momentum μ=0.9", r.Output);
        Assert.Contains("The meetup slides", r.Output);
        // Step 1 from θ = (1, 1), g = (1, 10), lr 0.1: θ = (0.9, 0) up to float32 rounding (1 − 10·0.1f, one fused
        // multiply-add as in torch, is −1.49e-8), buffer = g.
        Assert.Contains("step   1  f(θ) 0.405  grad (1, 10)  θ (0.9, -1.49012E-08)  momentum_buffer (1, 10)", r.Output);
        Assert.Contains("step   2", r.Output);
    }

    [Fact]
    public void AnUnknownOptimizerListsTheKnownOnes()
    {
        var r = CliRunner.Run("explain", "adamz");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("known optimizers", r.Error);
    }

    [Fact]
    public void EveryCatalogOptimizerIsExplained()
    {
        foreach (var name in OptimizerCatalog.Names)
            Assert.True(OptimizerExplanations.Find(name) is not null, $"{name} has no explanation");
    }
}
