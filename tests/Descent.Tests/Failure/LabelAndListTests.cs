using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Tests.Cli;

namespace Descent.Tests.Failure;

/// <summary>Issue 17 (9, 11): labels are escaped or refused; list entries and --opt refuse repeats and empties.</summary>
public sealed class LabelAndListTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://x\",\"y\")")]
    [InlineData("+SUM(A1:A2)")]
    [InlineData("-2+3")]
    [InlineData("@cmd")]
    [InlineData("'quoted")]
    [InlineData("''")]
    [InlineData("plain")]
    public void FormulaLookingLabelsAreEscapedInCsvAndRoundTrip(string label)
    {
        var row = new MetricRow("p", label, 1, MetricRow.EpochScope, 1, 10, "test", "loss", 0.5, 1.25);
        string csv = row.ToCsv();
        string firstCell = csv[(csv.IndexOf(',') + 1)..].TrimStart('"');
        if (label[0] is '=' or '+' or '-' or '@' or '\'') Assert.StartsWith("'", firstCell);
        else Assert.StartsWith(label, firstCell);
        Assert.Equal(row, MetricRow.ParseCsv(csv));
    }

    [Theory]
    [InlineData("a\nb")]
    [InlineData("a\rb")]
    [InlineData("tab\there")]
    [InlineData("bell\u0007")]
    public void ControlCharactersInLabelsAreRefused(string label)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => OptimizerList.Create(label, "sgd", new Dictionary<string, object> { ["lr"] = 0.1 }));
        Assert.Contains("control character", e.Message);
    }

    [Fact]
    public void AnExperimentFileLabelWithANewlineExitsThreeNamingTheFile()
    {
        using var dir = new Data.TempDirectory();
        string file = dir.Write("exp.json", System.Text.Encoding.UTF8.GetBytes(
            "{\"problem\": \"fmnist-mlp\", \"optimizers\": [{\"label\": \"two\\nlines\", \"optimizer\": \"sgd\", \"options\": {\"lr\": 0.1}}]}"));
        var r = CliRunner.Run("compare", "--experiment", file, "--runs-dir", dir.Path, "--no-progress");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("exp.json", r.Error);
        Assert.Contains("control character (U+000A", r.Error);
    }

    [Theory]
    [InlineData("sgd:lr=0.1,lr=0.2", "lr is given twice")]
    [InlineData("sgd:lr=0.1;;adam", "entry 2 is empty")]
    [InlineData("sgd:lr=0.1;", "ends with ';'")]
    [InlineData("sgd:lr=0.1; adam ;", "ends with ';'")]
    public void RepeatedKeysAndEmptyEntriesAreErrors(string list, string expected)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => OptimizerList.Parse(list));
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void NewlineSeparatedListsStillWork()
    {
        var entries = OptimizerList.Parse("sgd:lr=0.1\nadam:lr=0.001\n");
        Assert.Equal(["sgd", "adam"], entries.Select(e => e.Label));
    }

    [Fact]
    public void OptRepeatingAFlagIsAConflict()
    {
        var r = CliRunner.Run("train", "--lr", "0.1", "--opt", "lr=0.2", "--epochs", "1");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("invalid --opt lr=0.2: lr is already given by --lr", r.Error);
        var twice = CliRunner.Run("explain", "adagrad", "--opt", "lr_decay=0.1", "--opt", "lr_decay=0.2");
        Assert.Equal(ExitCodes.BadArguments, twice.ExitCode);
        Assert.Contains("lr_decay is already given", twice.Error);
    }
}
