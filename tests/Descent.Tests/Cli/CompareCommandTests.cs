using System.Globalization;
using System.Text.RegularExpressions;
using Descent.Cli;
using Descent.Lab.Compare;

namespace Descent.Tests.Cli;

public sealed partial class CompareCommandTests : IDisposable
{
    private readonly SyntheticMnist _data = new(trainCount: 240, testCount: 80);
    private readonly string _runs = Path.Combine(Path.GetTempPath(), "descent-runs-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        _data.Dispose();
        if (Directory.Exists(_runs)) Directory.Delete(_runs, recursive: true);
    }

    private CliRunner.Result Compare(params string[] args) =>
        CliRunner.Run(["compare", "--data", _data.Directory, "--runs-dir", _runs, "--batch-size", "40", "--no-progress", "--threads", "1", .. args]);

    [Fact]
    public void HelpListsTheOptions()
    {
        var r = CliRunner.Run("compare", "--help");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        foreach (var option in new[] { "--problem", "--optimizers", "--preset", "--experiment", "--epochs", "--seeds", "--name", "--force", "--landscapes", "--data" })
            Assert.Contains(option, r.Output);
    }

    [Fact]
    public void RunsEveryOptimizerAndSeedAndEndsWithTheReportPath()
    {
        var r = Compare("--optimizers", "sgd:lr=0.1; momentum:lr=0.05; adam:lr=1e-3", "--epochs", "2", "--seeds", "2", "--name", "demo");
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        var lines = r.Output.TrimEnd().Split('\n').Select(l => l.TrimEnd('\r')).ToList();
        string report = Path.Combine(_runs, "demo", RunDirectory.ReportFile);
        Assert.Equal($"report      {report}", lines[^1]);
        Assert.True(File.Exists(report));
        foreach (string file in new[] { RunDirectory.CsvFile, RunDirectory.JsonlFile, RunDirectory.ConfigFile })
            Assert.True(File.Exists(Path.Combine(_runs, "demo", file)), file);
        // One progress line per epoch and run, then the table with mean ± std.
        Assert.Equal(12, lines.Count(l => l.StartsWith('[')));
        Assert.Contains(lines, l => SummaryLine().IsMatch(l) && l.StartsWith("momentum", StringComparison.Ordinal));
        var config = System.Text.Json.Nodes.JsonNode.Parse(File.ReadAllText(Path.Combine(_runs, "demo", RunDirectory.ConfigFile)))!;
        Assert.Equal("fmnist-mlp", (string)config["experiment"]!["problem"]!);
        Assert.Equal(Environment.ProcessorCount, (int)config["environment"]!["cpu_count"]!);
        Assert.StartsWith(".NET", (string)config["environment"]!["dotnet"]!);
        Assert.NotNull((string?)config["environment"]!["descent"]);
        Assert.Contains("--optimizers", (string)config["command"]!);
    }

    [Fact]
    public void ARunRepeatedFromItsConfigGivesTheSameNumbers()
    {
        Assert.Equal(ExitCodes.Success, Compare("--optimizers", "sgd:lr=0.1; adagrad:lr=0.01", "--epochs", "1", "--seeds", "2", "--seed", "7", "--name", "first").ExitCode);
        var again = CliRunner.Run("compare", "--experiment", Path.Combine(_runs, "first", RunDirectory.ConfigFile), "--runs-dir", _runs, "--name", "second", "--no-progress");
        Assert.True(again.ExitCode == ExitCodes.Success, again.Error);
        var a = RunDirectory.ReadCsv(Path.Combine(_runs, "first", RunDirectory.CsvFile));
        var b = RunDirectory.ReadCsv(Path.Combine(_runs, "second", RunDirectory.CsvFile));
        Assert.Equal(a.Where(r => r.Metric != "seconds").Select(r => r with { ElapsedSeconds = 0 }), b.Where(r => r.Metric != "seconds").Select(r => r with { ElapsedSeconds = 0 }));
        Assert.Equal([7UL, 8UL], a.Select(r => r.Seed).Distinct());
    }

    [Fact]
    public void AnExistingRunIsNotOverwrittenWithoutForce()
    {
        Assert.Equal(ExitCodes.Success, Compare("--optimizers", "adam", "--epochs", "1", "--name", "once").ExitCode);
        string csv = Path.Combine(_runs, "once", RunDirectory.CsvFile);
        string before = File.ReadAllText(csv);
        var again = Compare("--optimizers", "sgd:lr=0.1", "--epochs", "1", "--name", "once");
        Assert.Equal(ExitCodes.BadArguments, again.ExitCode);
        Assert.Contains("exists already", again.Error);
        Assert.Contains("--force", again.Error);
        Assert.Equal(before, File.ReadAllText(csv));
        var forced = Compare("--optimizers", "sgd:lr=0.1", "--epochs", "1", "--name", "once", "--force");
        Assert.Equal(ExitCodes.Success, forced.ExitCode);
        Assert.Contains(",sgd,", File.ReadAllText(csv));
        Assert.DoesNotContain(",adam,", File.ReadAllText(csv));
    }

    [Theory]
    [InlineData("known problems: ", "--problem", "imagenet")]
    [InlineData("known optimizers: sgd, adagrad", "--optimizers", "adamx:lr=0.1")]
    [InlineData("presets: lectures", "--preset", "classics")]
    [InlineData("SGD has no option 'betas'", "--optimizers", "sgd:lr=0.1,betas=(0.9,0.99)")]
    [InlineData("invalid --epochs", "--epochs", "0")]
    [InlineData("invalid --seeds", "--seeds", "0")]
    [InlineData("invalid --name", "--name", "../escape")]
    [InlineData("invalid --landscapes: unknown function 'himmelblau'; known functions: rosenbrock", "--landscapes", "himmelblau")]
    [InlineData("invalid --experiment", "--experiment", "/nonexistent/experiment.json")]
    [InlineData("--frobnicate", "--frobnicate", "1")]
    public void BadArgumentsExitWithCodeTwoAndNameTheValidChoices(string expected, string option, string value)
    {
        string[] optimizers = option is "--optimizers" or "--preset" ? [] : ["--optimizers", "adam"];
        string[] epochs = option == "--epochs" ? [] : ["--epochs", "1"];
        var r = Compare([.. optimizers, .. epochs, option, value]);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.Single(r.Error.TrimEnd().Split('\n'));
        Assert.False(Directory.Exists(_runs) && Directory.EnumerateFileSystemEntries(_runs).Any(), "nothing was written");
    }

    [Fact]
    public void NoOptimizersIsABadArgument()
    {
        var r = Compare("--epochs", "1");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("--preset lectures", r.Error);
    }

    [Fact]
    public void MissingDataIsExitCodeThreeAndCreatesNoRunDirectory()
    {
        var r = CliRunner.Run("compare", "--data", Path.Combine(_runs, "nowhere"), "--runs-dir", _runs, "--optimizers", "adam", "--name", "x", "--no-progress");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.False(Directory.Exists(Path.Combine(_runs, "x")));
    }

    [Fact]
    public void LandscapesGoIntoTheRunAndItsReport()
    {
        var r = Compare("--preset", "lectures", "--epochs", "1", "--train-limit", "80", "--name", "land", "--landscapes", "rosenbrock,quadratic");
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        string dir = Path.Combine(_runs, "land");
        Assert.True(File.Exists(Path.Combine(dir, "landscape-rosenbrock.svg")));
        Assert.True(File.Exists(Path.Combine(dir, "landscape-quadratic.txt")));
        string html = File.ReadAllText(Path.Combine(dir, RunDirectory.ReportFile));
        Assert.Contains("rosenbrock: (1 − x)² + 100 (y − x²)²", html);
        Assert.Equal(7, Regex.Matches(html, "class=\"series\"").Count / 8);  // 7 optimizers in 4 training charts (one epoch: no training-accuracy chart) on both x axes
    }

    [Fact]
    public void TheReportCommandRewritesTheReportFromTheCsv()
    {
        Assert.Equal(ExitCodes.Success, Compare("--optimizers", "adam", "--epochs", "1", "--name", "r").ExitCode);
        string report = Path.Combine(_runs, "r", RunDirectory.ReportFile);
        File.Delete(report);
        var r = CliRunner.Run("report", Path.Combine(_runs, "r"));
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.True(File.Exists(report));
        Assert.Equal(ExitCodes.BadData, CliRunner.Run("report", Path.Combine(_runs, "missing")).ExitCode);
    }

    [GeneratedRegex(@"\d+\.\d{4} ± \d+\.\d{4}")]
    private static partial Regex SummaryLine();
}

public sealed class LandscapeCommandTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "descent-land-" + Guid.NewGuid().ToString("N"));

    public LandscapeCommandTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void DrawsTheLecturePresetByDefaultAndPrintsATable()
    {
        string svg = Path.Combine(_dir, "r.svg"), csv = Path.Combine(_dir, "r.csv");
        var r = CliRunner.Run("landscape", "--function", "rosenbrock", "--steps", "100", "--output", svg, "--csv", csv);
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        Assert.Contains("function    rosenbrock", r.Output);
        foreach (string label in new[] { "sgd", "momentum", "nesterov", "adagrad", "adadelta", "rmsprop", "adam" })
            Assert.Contains(r.Output.Split('\n'), l => l.StartsWith(label + " ", StringComparison.Ordinal));
        var doc = System.Xml.Linq.XDocument.Parse(File.ReadAllText(svg));
        // Both layouts by default: the overlay and one panel per optimizer.
        Assert.Equal(8, doc.Descendants().Count(e => (string?)e.Attribute("class") == "chart contour-chart"));
        Assert.Equal(7 + 7, doc.Descendants().Count(e => (string?)e.Attribute("class") == "path"));
        Assert.Equal(1 + 7 * 101, File.ReadAllLines(csv).Length);
    }

    [Fact]
    public void TakesOptimizersAStartAndAConditionNumber()
    {
        string svg = Path.Combine(_dir, "q.svg");
        var r = CliRunner.Run("landscape", "--function", "quadratic", "--kappa", "50", "--start", "-1.5,0.5", "--steps", "20",
            "--optimizers", "sgd:lr=0.03; heavy=sgd:lr=0.03,momentum=0.9; lectures", "--layout", "overlay", "--output", svg);
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        Assert.Contains("½(x² + 50·y²)", r.Output);
        Assert.Contains("start       (-1.5, 0.5)", r.Output);
        var doc = System.Xml.Linq.XDocument.Parse(File.ReadAllText(svg));
        Assert.Equal(9, doc.Descendants().Count(e => (string?)e.Attribute("class") == "path"));
    }

    [Fact]
    public void AnOptimizerListTakesTextOptionsSuchAsLookaheadsInnerOptimizer()
    {
        string svg = Path.Combine(_dir, "la.svg"), csv = Path.Combine(_dir, "la.csv");
        var r = CliRunner.Run("landscape", "--function", "rosenbrock", "--steps", "50", "--output", svg, "--csv", csv,
            "--optimizers", "adam:lr=0.05; lookahead:lr=0.001,optimizer=adam; sam:base_optimizer=adam,lr=0.05,rho=0.01");
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        foreach (string label in new[] { "adam", "lookahead", "sam" })
            Assert.Contains(r.Output.Split('\n'), l => l.StartsWith(label + " ", StringComparison.Ordinal));
        string text = File.ReadAllText(svg);
        Assert.Contains("lookahead (adam, lr 0.001)", text);
        Assert.Contains("sam (adam, lr 0.05)", text);
        var doc = System.Xml.Linq.XDocument.Parse(text);
        Assert.Equal(3 + 3, doc.Descendants().Count(e => (string?)e.Attribute("class") == "path"));
        // Lookahead(Adam) at lr 0.001 moves far less than Adam at 0.05: its own path, not a default SGD's.
        var rows = File.ReadAllLines(csv).Skip(1).Select(l => l.Split(',')).ToList();
        var last = rows.Where(c => c[1] == "50").ToDictionary(c => c[0], c => (X: double.Parse(c[2], CultureInfo.InvariantCulture), Y: double.Parse(c[3], CultureInfo.InvariantCulture)));
        var first = rows.First(c => c[0] == "lookahead" && c[1] == "0");
        double moved = Math.Abs(last["lookahead"].X - double.Parse(first[2], CultureInfo.InvariantCulture));
        Assert.InRange(moved, 1e-4, 0.05);
    }

    [Theory]
    [InlineData("known functions: rosenbrock, beale, booth, rastrigin, saddle, quadratic", "--function", "himmelblau")]
    [InlineData("invalid --start", "--start", "1")]
    [InlineData("invalid --steps", "--steps", "0")]
    [InlineData("invalid --kappa: only the quadratic", "--kappa", "5")]
    [InlineData("known optimizers: ", "--optimizers", "sparseadam")]
    [InlineData("invalid --layout: expected overlay, panels or both (got 'grid')", "--layout", "grid")]
    [InlineData("invalid --layout", "--layout", "1")]
    public void BadArgumentsExitWithCodeTwo(string expected, string option, string value)
    {
        var r = CliRunner.Run("landscape", "--output", Path.Combine(_dir, "x.svg"), option, value);
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains(expected, r.Error);
        Assert.False(File.Exists(Path.Combine(_dir, "x.svg")));
    }

    [Theory]
    [InlineData("overlay", 1, 7)]
    [InlineData("panels", 7, 7)]
    [InlineData("Both", 8, 14)]
    public void TheLayoutChoosesTheOverlayThePanelsOrBoth(string layout, int charts, int paths)
    {
        string svg = Path.Combine(_dir, "l.svg");
        var r = CliRunner.Run("landscape", "--function", "quadratic", "--steps", "10", "--layout", layout, "--output", svg);
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        var doc = System.Xml.Linq.XDocument.Parse(File.ReadAllText(svg));
        Assert.Equal(charts, doc.Descendants().Count(e => (string?)e.Attribute("class") == "chart contour-chart"));
        Assert.Equal(paths, doc.Descendants().Count(e => (string?)e.Attribute("class") == "path"));
    }

    [Fact]
    public void TheQuadraticsDefaultsUseTheirStepsAndScaleTheSharedRateWithKappa()
    {
        var r = CliRunner.Run("landscape", "--function", "quadratic", "--kappa", "40", "--output", Path.Combine(_dir, "k.svg"));
        Assert.True(r.ExitCode == ExitCodes.Success, r.Error);
        var rows = r.Output.Split('\n').Where(l => l.StartsWith("sgd ", StringComparison.Ordinal) || l.StartsWith("momentum ", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, rows.Count);
        Assert.All(rows, l => Assert.Equal(Descent.Lab.Surfaces.LandscapePresets.Steps(new Descent.Lab.Surfaces.IllConditionedQuadratic(40)), int.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture)));
        string legend = File.ReadAllText(Path.Combine(_dir, "k.svg"));
        Assert.Contains(string.Create(CultureInfo.InvariantCulture, $"sgd (lr {Descent.Lab.Surfaces.LandscapePresets.QuadraticSgdRateTimesKappa / 40:G4})"), legend);
    }

    [Fact]
    public void ABadConditionNumberIsABadArgument()
    {
        var r = CliRunner.Run("landscape", "--function", "quadratic", "--kappa", "0.5", "--output", Path.Combine(_dir, "x.svg"));
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("invalid --kappa", r.Error);
    }
}
