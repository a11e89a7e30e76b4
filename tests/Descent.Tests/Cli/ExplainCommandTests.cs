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
        Assert.Matches(@"\n  momentum μ +0\.9 +≥ 0 +momentum factor", r.Output);   // the row of the table, with the value given
        Assert.Contains("The meetup slides", r.Output);
        // Step 1 from θ = (1, 1), g = (1, 10), lr 0.1: θ = (0.9, 0) up to float32 rounding (1 − 10·0.1f, one fused
        // multiply-add as in torch, is −1.49e-8), buffer = g.
        Assert.Contains("step   1  f(θ) 0.405  grad (1, 10)  θ (0.9, -1.49012E-08)  momentum_buffer (1, 10)", r.Output);
        Assert.Contains("step   2", r.Output);
    }

    [Fact]
    public void ListsEveryRowOfTheTableWithItsDefaultAndTheExtensionsApart()
    {
        var r = CliRunner.Run("explain", "rmsprop");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        var defaults = OptimizerCatalog.DefaultsOf("RMSprop")!;
        int descent = r.Output.IndexOf("\ndescent ", StringComparison.Ordinal);
        Assert.True(descent > 0, r.Output);
        foreach (var row in defaults.Table.Rows)
        {
            int at = r.Output.IndexOf($"\n  {row.Keyword}", StringComparison.Ordinal);
            Assert.True(at > 0, $"{row.Keyword} is not listed");
            Assert.Equal(row.Extension, at > descent);
            string line = r.Output[(at + 1)..r.Output.IndexOf('\n', at + 1)];
            Assert.Contains(HyperTableRow.Format(row.Get(defaults)), line);
            Assert.EndsWith(row.Doc, line);
        }
    }

    [Fact]
    public void AWrapperListsItsInnerOptimizersRowsToo()
    {
        var r = CliRunner.Run("explain", "lookahead", "--opt", "optimizer=adam", "--lr", "0.01");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Contains("inner      Adam", r.Output);
        Assert.Matches(@"\n  la_steps k +5 ", r.Output);
        Assert.Matches(@"\n  lr η +0\.01 ", r.Output);   // the inner optimizer's, given beside the wrapper's keywords
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
