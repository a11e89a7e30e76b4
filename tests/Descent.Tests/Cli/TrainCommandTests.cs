using System.Text.RegularExpressions;
using Descent.Cli;
using Descent.Optim;

namespace Descent.Tests.Cli;

public class TrainCommandTests
{
    [Fact]
    public void HelpListsTheOptionsAndSucceeds()
    {
        var r = CliRunner.Run("train", "--help");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        foreach (var option in new[] { "--problem", "--optimizer", "--lr", "--momentum", "--epochs", "--batch-size", "--seed", "--threads", "--data" })
            Assert.Contains(option, r.Output);
    }

    [Fact]
    public void TheOptimizerOptionsHelpNamesTheOptimizersWhoseTableHasTheKeyword()
    {
        var r = CliRunner.Run("train", "--help");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        string line = r.Output.Split('\n').Single(l => l.TrimStart().StartsWith("--nesterov", StringComparison.Ordinal));
        var having = OptimizerCatalog.BuiltInNames.Where(n => OptimizerCatalog.DefaultsOf(n)!.Table.FindKeyword("nesterov") is not null).ToList();
        Assert.NotEmpty(having);
        Assert.Contains("keyword nesterov of", line);
        foreach (var name in having) Assert.Contains(name.ToLowerInvariant(), line);
        Assert.DoesNotContain("adam,", line);
    }

    [Theory]
    [InlineData("invalid --lr", "--lr", "-0.1")]
    [InlineData("invalid --lr", "--lr", "NaN")]
    [InlineData("invalid --momentum", "--momentum", "-1")]
    [InlineData("invalid --weight-decay", "--weight-decay", "-1")]
    [InlineData("invalid --dampening", "--dampening", "-1")]
    [InlineData("invalid --epochs", "--epochs", "0")]
    [InlineData("invalid --batch-size", "--batch-size", "0")]
    [InlineData("invalid --threads", "--threads", "0")]
    [InlineData("invalid --train-limit", "--train-limit", "0")]
    [InlineData("invalid --test-limit", "--test-limit", "-5")]
    [InlineData("known problems: ", "--problem", "imagenet")]
    [InlineData("known optimizers: SGD", "--optimizer", "adamx")]
    [InlineData("invalid --optimizer: unknown optimizer 'adamm' (did you mean 'Adam'?)", "--optimizer", "adamm")]
    [InlineData("invalid --problem: unknown problem 'fmnist-mpl' (did you mean 'fmnist-mlp'?)", "--problem", "fmnist-mpl")]
    [InlineData("invalid --weight-decay: ", "--weight-decay", "-1")]
    [InlineData("invalid --epochs: epochs must be at least 1 (got 0)", "--epochs", "0")]
    [InlineData("invalid --betas", "--betas", "0.9")]
    [InlineData("SGD has no option 'betas'", "--betas", "0.9,0.99")]
    [InlineData("invalid --opt", "--opt", "lr_decay")]
    [InlineData("'abc'", "--lr", "abc")]
    [InlineData("--frobnicate", "--frobnicate", "1")]
    public void BadArgumentsExitWithCodeTwoAndOneLineNamingTheProblem(string expected, string option, string value)
    {
        using var data = new SyntheticMnist(trainCount: 8, testCount: 4);
        string[] lr = option == "--lr" ? [] : ["--lr", "0.05"];
        var r = CliRunner.Run(["train", "--data", data.Directory, .. lr, option, value]);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
        Assert.StartsWith("descent: error:", r.Error);
    }

    [Theory]
    [InlineData("adagrad", "lr_decay=-1", "invalid --opt lr_decay: ")]
    [InlineData("rprop", "etas=1.5,1.2", "invalid --opt etas: ")]
    [InlineData("adam", "fancy=1", "invalid --opt fancy: Adam has no option 'fancy'")]
    public void AnOptionWithoutAFlagIsNamedAsTheOptTheUserTyped(string optimizer, string opt, string expected)
    {
        using var data = new SyntheticMnist(trainCount: 8, testCount: 4);
        var r = CliRunner.Run("train", "--data", data.Directory, "--optimizer", optimizer, "--opt", opt);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.StartsWith("descent: error: " + expected, r.Error);
        Assert.DoesNotContain("Parameter", r.Error);
    }

    [Fact]
    public void NesterovWithoutMomentumIsABadArgument()
    {
        using var data = new SyntheticMnist(trainCount: 8, testCount: 4);
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.1", "--nesterov");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("invalid --nesterov", r.Error);
    }

    [Fact]
    public void TrainWithNoOptionsRunsSgdAtTheDocumentedLearningRate()
    {
        using var data = new SyntheticMnist(trainCount: 64, testCount: 16);
        var r = CliRunner.Run("train", "--data", data.Directory, "--epochs", "1", "--no-progress");
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        Assert.Contains("optimizer  sgd(lr=0.1)", r.Output);
        Assert.Contains("1 epoch,", r.Output);
        var explained = CliRunner.Run("explain", "sgd", "--steps", "1");
        Assert.Contains("grad (1, 10)  θ (0.9, ", explained.Output);  // θ − 0.1·∇f from (1, 1), in float32
    }

    [Fact]
    public void AMissingDataDirectoryIsNamed()
    {
        var r = CliRunner.Run("train", "--data", "/nonexistent/descent-data", "--lr", "0.05");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("/nonexistent/descent-data", r.Error);
    }

    [Fact]
    public void ATruncatedImageFileIsNamed()
    {
        using var data = new SyntheticMnist(trainCount: 20, testCount: 10, gzip: false);
        string images = data.PathOf("train-images-idx3-ubyte");
        var bytes = File.ReadAllBytes(images);
        File.WriteAllBytes(images, bytes[..(bytes.Length - 100)]);
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.05", "--epochs", "1");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("train-images-idx3-ubyte", r.Error);
        Assert.Contains("truncated", r.Error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void AnUnwritableCsvPathFailsBeforeTraining()
    {
        using var data = new SyntheticMnist(trainCount: 8, testCount: 4);
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.05", "--csv", "/nonexistent-dir/results.csv");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("/nonexistent-dir/results.csv", r.Error);
        Assert.Contains("its directory /nonexistent-dir does not exist", r.Error);
        Assert.DoesNotContain("Could not find a part of the path", r.Error);
        Assert.DoesNotContain("epoch", r.Output);
    }

    [Fact]
    public void DivergenceStopsWithTheStepNamed()
    {
        using var data = new SyntheticMnist(trainCount: 64, testCount: 8);
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "1e30", "--epochs", "1", "--batch-size", "16");
        Assert.Equal(ExitCodes.Diverged, r.ExitCode);
        Assert.Matches(@"epoch 1, step \d+", r.Error);
    }

    [Fact]
    public void TrainsToHighAccuracyAndRepeatsExactlyWithTheSameSeed()
    {
        using var data = new SyntheticMnist();
        string csv = Path.Combine(data.Directory, "epochs.csv");
        string[] args = ["train", "--data", data.Directory, "--epochs", "2", "--batch-size", "32", "--lr", "0.05", "--momentum", "0.9", "--seed", "7"];
        var first = CliRunner.Run([.. args, "--csv", csv]);
        var second = CliRunner.Run(args);
        Assert.Equal(ExitCodes.Success, first.ExitCode);
        Assert.Equal("", first.Error);

        var rows = EpochRows(first.Output);
        Assert.Equal(2, rows.Count);
        Assert.True(rows[^1].Accuracy >= 95.0, $"test accuracy {rows[^1].Accuracy}% after 2 epochs on separable data");
        Assert.True(rows[1].TrainLoss < rows[0].TrainLoss);
        Assert.Equal(rows, EpochRows(second.Output));

        var csvLines = File.ReadAllLines(csv);
        Assert.Equal(3, csvLines.Length);
        Assert.StartsWith("epoch,train_loss,test_loss,test_accuracy", csvLines[0]);
    }

    private static List<(int Epoch, double TrainLoss, double TestLoss, double Accuracy)> EpochRows(string output) =>
        Regex.Matches(output, @"^\s*(\d+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)%", RegexOptions.Multiline)
            .Select(m => (int.Parse(m.Groups[1].Value), double.Parse(m.Groups[2].Value), double.Parse(m.Groups[3].Value), double.Parse(m.Groups[4].Value)))
            .ToList();
}
