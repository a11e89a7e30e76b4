using System.Globalization;
using Descent.Lab.Compare;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>
/// Shows a comparison's progress: on a terminal, one progress bar for all runs and one per run (its epoch, last loss
/// and, when done, its final test result); otherwise one line per epoch.
/// </summary>
internal sealed class CompareProgress : ICompareObserver
{
    private readonly TextWriter _output;
    private readonly ProgressContext? _context;
    private readonly ProgressTask? _all;
    private readonly Dictionary<int, ProgressTask> _tasks = [];
    private readonly bool _compact;
    private readonly int _labelWidth = 9;

    private CompareProgress(TextWriter output, ProgressContext? context, Experiment experiment, int batchesPerEpoch, bool compact)
    {
        _output = output;
        _context = context;
        _compact = compact;
        _labelWidth = Math.Max(_labelWidth, experiment.Optimizers.Max(o => o.Label.Length));
        if (context is null) return;
        _all = context.AddTask("all runs", maxValue: Math.Max(1, (double)experiment.RunCount * experiment.Epochs * batchesPerEpoch));
        if (compact) return;  // one bar for the run in progress only, added when it starts
        int index = 0;
        foreach (ulong seed in experiment.Seeds)
            foreach (var o in experiment.Optimizers)
                _tasks[++index] = context.AddTask(Describe(o.Label, seed, "waiting"), autoStart: false, maxValue: Math.Max(1, experiment.Epochs * batchesPerEpoch));
    }

    /// <summary>Runs <paramref name="body"/> with progress shown on <paramref name="output"/>.</summary>
    public static T Show<T>(TextWriter output, bool interactive, Experiment experiment, int batchesPerEpoch, Func<ICompareObserver, T> body)
    {
        if (!interactive) return body(new CompareProgress(output, null, experiment, batchesPerEpoch, compact: false));
        // A bar per run while they fit on the screen; otherwise the overall bar and the current run's.
        bool compact = experiment.RunCount + 6 > TerminalHeight();
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = InteractionSupport.Yes,
            Ansi = AnsiSupport.Detect,
        });
        T result = default!;
        console.Progress()
            .AutoClear(false)
            .HideCompleted(compact)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn())
            .Start(context => result = body(new CompareProgress(output, context, experiment, batchesPerEpoch, compact)));
        return result;
    }

    private static int TerminalHeight()
    {
        try { return Console.WindowHeight > 0 ? Console.WindowHeight : 24; }
        catch (IOException) { return 24; }
        catch (PlatformNotSupportedException) { return 24; }
    }

    public void RunStarted(RunInfo run)
    {
        if (_compact && _context is not null)
            _tasks[run.Index] = _context.AddTask(Describe(run.Label, run.Seed, "starting"), maxValue: Math.Max(1, run.Epochs * run.BatchesPerEpoch));
        if (_tasks.TryGetValue(run.Index, out var task))
        {
            task.MaxValue = Math.Max(1, run.Epochs * run.BatchesPerEpoch);
            task.Description = Describe(run.Label, run.Seed, $"epoch 1/{run.Epochs}");
            task.StartTask();
        }
    }

    public void StepDone(RunInfo run, int epoch, int batch, double loss)
    {
        if (!_tasks.TryGetValue(run.Index, out var task)) return;
        task.Value = (epoch - 1) * run.BatchesPerEpoch + batch;
        _all!.Increment(1);
        if (batch % 20 == 0 || batch == run.BatchesPerEpoch)
            task.Description = Describe(run.Label, run.Seed, string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{run.Epochs}  loss {loss:F4}"));
    }

    public void EpochDone(RunInfo run, EpochSummary e)
    {
        if (_context is not null) return;
        string accuracy = double.IsFinite(e.TestAccuracy) ? string.Create(CultureInfo.InvariantCulture, $"  test acc {100 * e.TestAccuracy,6:F2}%") : "";
        _output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{run.Index}/{run.Count}] {run.Label.PadRight(_labelWidth)}  seed {run.Seed}  epoch {e.Epoch}/{run.Epochs}  train loss {e.TrainLoss:F4}  test loss {e.TestLoss:F4}{accuracy}  {e.Seconds:F1} s"));
    }

    public void RunFinished(RunOutcome outcome)
    {
        var run = outcome.Run;
        if (_tasks.TryGetValue(run.Index, out var task))
        {
            var last = outcome.Epochs.LastOrDefault();
            string result = outcome.Diverged ? "[red]diverged[/]"
                : last is null ? "done"
                : double.IsFinite(last.TestAccuracy) ? string.Create(CultureInfo.InvariantCulture, $"test loss {last.TestLoss:F4}  acc {100 * last.TestAccuracy:F2}%")
                : string.Create(CultureInfo.InvariantCulture, $"test loss {last.TestLoss:G4}");
            task.Description = Describe(run.Label, run.Seed, result, markup: outcome.Diverged);
            _all!.Increment(task.MaxValue - task.Value);
            task.Value = task.MaxValue;
            task.StopTask();
        }
        else if (outcome.Diverged)
        {
            _output.WriteLine($"[{run.Index}/{run.Count}] {run.Label.PadRight(_labelWidth)}  seed {run.Seed}  diverged: {outcome.Divergence}");
        }
    }

    private string Describe(string label, ulong seed, string status, bool markup = false) =>
        $"{Markup.Escape(label.PadRight(_labelWidth))} seed {seed}  {(markup ? status : Markup.Escape(status))}";
}
