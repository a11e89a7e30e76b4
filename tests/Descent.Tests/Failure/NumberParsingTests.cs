using System.Globalization;
using Descent.Cli;
using Descent.Lab.Compare;
using Descent.Lab.Schedules;
using Descent.Tests.Cli;

namespace Descent.Tests.Failure;

/// <summary>Issue 17 (2): every number a user types is read in the invariant culture, and group separators are refused.</summary>
public sealed class NumberParsingTests
{
    [Theory]
    [InlineData("--lr", "0,1")]
    [InlineData("--lr", "1,000")]
    [InlineData("--momentum", "0,9")]
    [InlineData("--eps", "1,5e-8")]
    [InlineData("--weight-decay", "1.000,5")]
    [InlineData("--epochs", "1,000")]
    [InlineData("--batch-size", "1.000")]
    [InlineData("--seed", "1,000")]
    [InlineData("--threads", "1,0")]
    [InlineData("--train-limit", "2,000")]
    [InlineData("--checkpoint-every", "1,5")]
    public void ACommaInATrainFlagIsRefusedNamingTheFlagAndValue(string flag, string value)
    {
        string[] epochs = flag == "--epochs" ? [] : ["--epochs", "1"];
        var r = CliRunner.Run(["train", "--optimizer", "sgd", flag, value, .. epochs]);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains($"invalid {flag}: '{value}'", r.Error);
        Assert.Equal("", r.Output);
    }

    [Theory]
    [InlineData("compare", "--seeds", "1,5")]
    [InlineData("compare", "--epochs", "2,0")]
    [InlineData("schedule", "--steps", "1,000")]
    [InlineData("landscape", "--kappa", "1,5")]
    [InlineData("landscape", "--steps", "1.000")]
    [InlineData("check optimizers", "--rtol", "0,001")]
    public void ACommaInAnyOtherCommandsNumberIsRefused(string command, string flag, string value)
    {
        var r = CliRunner.Run([.. command.Split(' '), flag, value]);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains($"invalid {flag}: '{value}'", r.Error);
    }

    [Fact]
    public void OptValuesAreInvariantToo()
    {
        var r = CliRunner.Run("explain", "adagrad", "--opt", "lr_decay=0,1");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("--opt lr_decay", r.Error);
    }

    [Fact]
    public void ListSyntaxAndScheduleSpecsRefuseCommaDecimals()
    {
        // In the list syntax a comma separates options, so "lr=0,1" leaves a stray "1": an error, never lr = 0.1 or 1.
        var list = Assert.ThrowsAny<ArgumentException>(() => OptimizerList.Parse("sgd:lr=0,1"));
        Assert.Contains("'1'", list.Message);
        Assert.ThrowsAny<ArgumentException>(() => ScheduleSpec.Parse("step:step_size=2,gamma=0,5"));
    }

    [Theory]
    [InlineData("0.1", 0.1)]
    [InlineData("1e-3", 1e-3)]
    [InlineData(" 2.5 ", 2.5)]
    [InlineData("-0.5", -0.5)]
    public void TheInvariantParserReadsDecimalPointsUnderAnyCulture(string text, double expected)
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            Assert.True(InvariantNumber.TryParse(text, out double value));
            Assert.Equal(expected, value);
        }
        finally { CultureInfo.CurrentCulture = saved; }
    }

    [Theory]
    [InlineData("0,1")]
    [InlineData("1,000")]
    [InlineData("1.000,5")]
    [InlineData("1 000")]
    public void TheInvariantParserRefusesGroupSeparators(string text)
    {
        Assert.False(InvariantNumber.TryParse(text, out double _));
        Assert.False(InvariantNumber.TryParse(text, out int _));
    }

    [Fact]
    public void UnderAGermanCultureInProcessTheCliReadsAndPrintsInvariantNumbers()
    {
        var saved = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var bad = CliRunner.Run("explain", "sgd", "--lr", "0,1");
            Assert.Equal(ExitCodes.BadArguments, bad.ExitCode);
            var good = CliRunner.Run("explain", "adam", "--lr", "0.001", "--steps", "2");
            Assert.True(good.ExitCode == ExitCodes.Success, good.Error);
            Assert.Contains("θ (0.999, 0.999)", good.Output);
            Assert.DoesNotContain("0,999", good.Output);
            Assert.Equal("de-DE", CultureInfo.CurrentCulture.Name);   // restored after the command
        }
        finally { CultureInfo.CurrentCulture = saved; }
    }

    [Fact]
    public void UnderAGermanLocaleTheCliProcessRefusesCommasAndPrintsPoints()
    {
        var bad = RunGerman("train", "--lr", "0,1", "--epochs", "1");
        Assert.Equal(ExitCodes.BadArguments, bad.ExitCode);
        Assert.Contains("invalid --lr: '0,1'", bad.Error);

        using var data = new SyntheticMnist(trainCount: 200, testCount: 50);
        var good = RunGerman("train", "--data", data.Directory, "--lr", "0.1", "--epochs", "1", "--batch-size", "50", "--no-progress", "--threads", "1");
        Assert.True(good.ExitCode == ExitCodes.Success, good.Error);
        Assert.Matches(@"model\s+\d{1,3}(,\d{3})+ parameters", good.Output);   // N0 with the invariant group separator
        var row = good.Output.Split('\n').Single(l => l.TrimStart().StartsWith("1 ", StringComparison.Ordinal));
        Assert.Matches(@"^\s+1\s+\d+\.\d{4}\s+\d+\.\d{4}\s+\d+\.\d{2}%", row);
    }

    private static CliRunner.Result RunGerman(params string[] args)
    {
        var info = CliProcess.StartInfo(args);
        info.Environment["LANG"] = "de_DE.UTF-8";
        info.Environment["LC_ALL"] = "de_DE.UTF-8";
        info.Environment["DOTNET_SYSTEM_GLOBALIZATION_INVARIANT"] = "0";
        using var running = new CliProcess.Running(System.Diagnostics.Process.Start(info)!);
        if (!running.Process.WaitForExit(TimeSpan.FromMinutes(2))) Assert.Fail("descent did not finish within 2 minutes");
        return running.Result();
    }
}
