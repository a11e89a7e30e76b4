using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Optim;

namespace Descent.Tests.Lab;

public class RunConfigTests
{
    private static RunConfig Config(string optimizer, Dictionary<string, object>? options = null) =>
        RunConfig.Create(ProblemCatalog.Get("quadratic-deep"), new OptimizerSpec(optimizer, options ?? []), new TrainingOptions());

    [Fact]
    public void RecordsEveryHyperParameterButNotTheTableItself()
    {
        var config = Config("Adam");
        Assert.DoesNotContain("optimizer.table", config.Entries.Keys);
        Assert.DoesNotContain(config.Entries.Values, v => v.Contains("Descent.Optim", StringComparison.Ordinal));
        foreach (var row in OptimizerCatalog.DefaultsOf("Adam")!.Table.Rows)
            Assert.Contains(config.Entries.Keys, k => k.Replace("_", "") == "optimizer." + row.Name.ToLowerInvariant());
    }

    [Fact]
    public void AnOptimizerEntryTheCheckpointLacksIsNotADifferenceButAChangedOneIs()
    {
        var now = Config("Adam");
        var older = new Dictionary<string, string>(now.Entries);
        older.Remove("optimizer.amsgrad");   // written before that property existed
        Assert.Empty(now.DifferencesFrom(RunConfig.FromJson(System.Text.Json.JsonSerializer.Serialize(older))));

        var changed = Config("Adam", new() { ["amsgrad"] = true });
        Assert.Contains(changed.DifferencesFrom(now), d => d.StartsWith("optimizer.amsgrad:", StringComparison.Ordinal));
        older.Remove("batch_size");
        Assert.Contains(now.DifferencesFrom(RunConfig.FromJson(System.Text.Json.JsonSerializer.Serialize(older))), d => d.StartsWith("batch_size:", StringComparison.Ordinal));
    }
}
