using System.Globalization;
using Descent.Cli;
using Descent.Optim;
using Descent.Tests.Cli;

namespace Descent.Tests.Docs;

/// <summary>The test that reads the console runs alone: no other test writes to it meanwhile.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public class ConsoleCollection
{
    public const string Name = "Console.Out";
}

/// <summary>docs/custom-optimizer.md: its C# compiles, runs, and does what the page says it does.</summary>
[Collection(ConsoleCollection.Name)]
public class CustomOptimizerDocTests
{
    private static readonly string Page = File.ReadAllText(TestFiles.Find("docs/custom-optimizer.md"));

    [Fact]
    public void ThePagesCodeCompilesWithoutWarningsAndPrintsWhatThePageSays()
    {
        var blocks = MarkdownCSharp.Blocks(Page);
        Assert.True(blocks.Count >= 6, $"found {blocks.Count} csharp blocks");
        var (image, diagnostics) = MarkdownCSharp.Compile(blocks, "CustomOptimizerDoc", program: true);
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));

        var console = Console.Out;
        var output = new StringWriter { NewLine = "\n" };
        Console.SetOut(output);
        try { MarkdownCSharp.RunProgram(image!); }
        finally { Console.SetOut(console); }
        var lines = output.ToString().Split('\n');

        Assert.Contains("CustomSgdMomentum reproduces Sgd with momentum: True", lines);
        Assert.Contains("CustomSgdMomentum reproduces Sgd with momentum: True", Page);
        string Loss(string label) => lines.Single(l => l.StartsWith(label + " ", StringComparison.Ordinal)).Split("test loss ")[1];
        Assert.Equal(Loss("momentum"), Loss("custom_momentum"));
        Assert.Equal(double.Parse(Loss("sgd"), CultureInfo.InvariantCulture), double.Parse(Loss("custom_sgd"), CultureInfo.InvariantCulture), 1e-4);
        Assert.Contains("NormalizedSgd sees 0.weight [8, 4], 0.bias [8], 2.weight [3, 8], 2.bias [3]", lines);
        Assert.Contains("state dict keys: 0.weight, 0.bias, 2.weight, 2.bias", lines);
        Assert.Contains("custom_sgd", OptimizerCatalog.Names);
    }

    [Fact]
    public void ThePagesPluginLoadsIntoTheCommandLine()
    {
        var (image, diagnostics) = MarkdownCSharp.Compile(MarkdownCSharp.Blocks(Page), "LectureOptimizers", program: false);
        Assert.True(diagnostics.Count == 0, string.Join("\n", diagnostics));
        string directory = Directory.CreateTempSubdirectory("descent-plugin-").FullName;
        try
        {
            string plugin = Path.Combine(directory, "LectureOptimizers.dll");
            File.WriteAllBytes(plugin, image!);

            var explain = CliRunner.Run("--plugin", plugin, "explain", "lecture_momentum", "--steps", "2");
            Assert.True(explain.ExitCode == ExitCodes.Success, explain.Error);
            Assert.Contains("v ← μ·v + g;  θ ← θ − η·v", explain.Output);
            Assert.Contains("velocity", explain.Output);

            var again = CliRunner.Run("--plugin", plugin, "explain", "lecture_mommentum");   // loading twice registers once
            Assert.Equal(ExitCodes.BadArguments, again.ExitCode);
            Assert.Contains("did you mean 'lecture_momentum'", again.Error);

            string runs = Path.Combine(directory, "runs");
            var compare = CliRunner.Run("--plugin", plugin, "compare", "--problem", "quadratic-deep", "--epochs", "1", "--runs-dir", runs,
                "--name", "lectures", "--no-progress", "--threads", "1", "--optimizers", "momentum=sgd:lr=0.02,momentum=0.9; lecture_momentum:lr=0.02");
            Assert.True(compare.ExitCode == ExitCodes.Success, compare.Error);
            string csv = File.ReadAllText(Path.Combine(runs, "lectures", Descent.Lab.Compare.RunDirectory.CsvFile));
            Assert.Contains("lecture_momentum", csv);

            string picture = Path.Combine(directory, "landscape.svg");
            var landscape = CliRunner.Run("--plugin", plugin, "landscape", "--function", "quadratic", "--steps", "20", "--output", picture,
                "--optimizers", "momentum=sgd:lr=0.01,momentum=0.9; lecture_momentum:lr=0.01");
            Assert.True(landscape.ExitCode == ExitCodes.Success, landscape.Error);
            Assert.Contains("lecture_momentum", File.ReadAllText(picture));

            var train = CliRunner.Run("--plugin", plugin, "train", "--problem", "quadratic-deep", "--optimizer", "lecture_sgd", "--lr", "0.01",
                "--epochs", "1", "--no-progress", "--threads", "1");
            Assert.True(train.ExitCode == ExitCodes.Success, train.Error);
            Assert.Contains("lecture_sgd", train.Output);
        }
        finally { Directory.Delete(directory, recursive: true); }
    }

    [Fact]
    public void AMissingOrEmptyPluginIsAnErrorNamingIt()
    {
        var missing = CliRunner.Run("--plugin", "/nonexistent/plugin.dll", "explain", "sgd");
        Assert.Equal(ExitCodes.BadData, missing.ExitCode);
        Assert.Contains("plugin.dll", missing.Error);

        var noPath = CliRunner.Run("explain", "sgd", "--plugin");
        Assert.Equal(ExitCodes.BadArguments, noPath.ExitCode);
        Assert.Contains("--plugin needs the path", noPath.Error);

        string notAPlugin = typeof(Sgd).Assembly.Location;   // a .NET assembly without an IDescentPlugin
        var none = CliRunner.Run("--plugin", notAPlugin, "explain", "sgd");
        Assert.Equal(ExitCodes.BadArguments, none.ExitCode);
        Assert.Contains("IDescentPlugin", none.Error);
    }
}
