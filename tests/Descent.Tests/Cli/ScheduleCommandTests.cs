using System.Globalization;
using System.Xml.Linq;
using Descent.Cli;

namespace Descent.Tests.Cli;

public class ScheduleCommandTests
{
    [Fact]
    public void PrintsTheMomentumRampOfTheLectureNotes()
    {
        var r = CliRunner.Run("schedule", "--schedule", "momentum=ramp:start=0.5,end=0.9,steps=4@step", "--momentum", "0.5", "--steps", "6");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        var momentum = r.Output.Split('\n').Skip(2).Where(l => l.Trim().Length > 0)
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(new[] { 0.5, 0.6, 0.7, 0.8, 0.9, 0.9 }, momentum.Select(m => Math.Round(m, 12)));
    }

    [Fact]
    public void WritesAnSvgPlotWithOnePanelPerValue()
    {
        string path = Path.Combine(Path.GetTempPath(), $"descent-schedule-{Guid.NewGuid():N}.svg");
        try
        {
            var r = CliRunner.Run("schedule", "--schedule", "onecycle:max_lr=0.1", "--momentum", "0.9", "--steps", "30", "--svg", path);
            Assert.Equal(ExitCodes.Success, r.ExitCode);
            var svg = XDocument.Load(path);
            var lines = svg.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg")).ToList();
            Assert.Equal(["lr", "momentum"], lines.Select(l => (string)l.Attribute("data-name")!));
            Assert.All(lines, l => Assert.Equal(30, ((string)l.Attribute("points")!).Split(' ').Length));
            // lr (0 to 0.1) and momentum (0.85 to 0.95) each on a y axis of its own: one panel each.
            var panels = svg.Descendants(XName.Get("g", "http://www.w3.org/2000/svg")).Where(g => (string?)g.Attribute("class") == "part").ToList();
            Assert.Equal(2, panels.Count);
            Assert.All(panels, p => Assert.Single(p.Descendants(XName.Get("polyline", "http://www.w3.org/2000/svg"))));
        }
        finally { File.Delete(path); }
    }

    [Theory]
    [InlineData("cosin:T_max=5", "known schedules")]
    [InlineData("cosine:T_maxx=5", "T_maxx")]
    [InlineData("step:gamma=0.5", "step_size")]
    public void BadSchedulesAreUsageErrorsNamingTheProblem(string spec, string expected)
    {
        var r = CliRunner.Run("schedule", "--schedule", spec, "--steps", "5");
        Assert.Equal(ExitCodes.BadArguments, r.ExitCode);
        Assert.Contains("invalid --schedule", r.Error);
        Assert.Contains(expected, r.Error);
    }

    [Fact]
    public void TrainAppliesAScheduleAndReportsTheLearningRate()
    {
        using var data = new SyntheticMnist(trainCount: 128, testCount: 32);
        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.1", "--epochs", "3", "--batch-size", "64",
            "--schedule", "step:step_size=1,gamma=0.5");
        Assert.Equal(ExitCodes.Success, r.ExitCode);
        Assert.Contains("schedule   lr: StepLR", r.Output);
        var lrs = r.Output.Split('\n').Where(l => System.Text.RegularExpressions.Regex.IsMatch(l, @"^\s+\d+\s+[\d.]+\s+[\d.]+\s+[\d.]+%"))
            .Select(l => double.Parse(l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[4], CultureInfo.InvariantCulture)).ToArray();
        Assert.Equal(new[] { 0.1, 0.05, 0.025 }, lrs);
    }
}
