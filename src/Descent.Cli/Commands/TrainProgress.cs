using System.Globalization;
using Descent.Lab.Training;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>
/// How <c>descent train</c> shows a run: one line per epoch (and in the CSV file, when asked) and, on a terminal, one
/// progress bar for the whole run with the running mean loss of the epoch and the time left for the run.
/// </summary>
internal sealed class TrainProgress(IAnsiConsole console, TextWriter output, EpochCsv? csv) : ITrainingObserver
{
    private ProgressTask? _task;
    private double _lossSum;
    private int _lossCount;

    /// <summary>Runs <paramref name="body"/> with the progress bar shown when the console is interactive.</summary>
    public T Show<T>(Trainer trainer, Func<T> body)
    {
        if (!console.Profile.Capabilities.Interactive) return body();
        T result = default!;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                long total = (long)trainer.Options.Epochs * trainer.BatchesPerEpoch;
                _task = ctx.AddTask(Describe(trainer.NextEpoch, trainer.Options.Epochs, null), maxValue: Math.Max(1, total));
                _task.Value = trainer.GlobalStep;
                result = body();
            });
        return result;
    }

    /// <summary>Prints the epochs a resumed run has already done.</summary>
    public void RunStarted(Trainer trainer)
    {
        foreach (var earlier in trainer.History) Line(earlier);
    }

    public void StepDone(Trainer trainer, in TrainingStep step)
    {
        if (_task is null) return;
        if (!step.Skipped)
        {
            _lossSum += step.Loss;
            _lossCount++;
        }
        _task.Value = step.GlobalStep;
        if (step.Batch % 10 == 0 || step.Batch == step.BatchesPerEpoch)
            _task.Description = Describe(step.Epoch, trainer.Options.Epochs, _lossCount > 0 ? _lossSum / _lossCount : null);
    }

    public void EpochDone(Trainer trainer, EpochResult result)
    {
        _lossSum = 0;
        _lossCount = 0;
        Line(result);
    }

    private void Line(EpochResult result)
    {
        if (_task is not null) console.WriteLine(EpochRow.Format(result));
        else output.WriteLine(EpochRow.Format(result));
        csv?.Write(result);
    }

    private static string Describe(int epoch, int epochs, double? loss) =>
        Markup.Escape(loss is double l
            ? string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}  loss {l:F4}")
            : string.Create(CultureInfo.InvariantCulture, $"epoch {epoch}/{epochs}"));
}
