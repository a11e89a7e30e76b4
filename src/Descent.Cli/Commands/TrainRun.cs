using System.Globalization;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Schedules;
using Descent.Threading;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>One invocation of <c>descent train</c>: validate, load, train, report.</summary>
internal sealed class TrainRun(Problem problem, OptimizerSpec optimizer, TrainingOptions options, string? dataDirectory, string? csvPath)
{
    public int Execute(TextWriter output, bool showProgress)
    {
        options.Validate();
        optimizer.Validate();
        ValidateSchedules();
        using var csv = csvPath is null ? null : EpochCsv.Create(csvPath);

        var data = problem.LoadData(dataDirectory);
        var trainer = new Trainer(problem, data, optimizer, options);
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = showProgress && ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected ? AnsiSupport.Detect : AnsiSupport.No,
        });

        output.WriteLine($"problem    {problem.Name}: {problem.Description}");
        output.WriteLine($"data       {trainer.Data.Train.Count} train / {trainer.Data.Test.Count} test samples");
        output.WriteLine($"model      {trainer.Model.ParameterCount():N0} parameters");
        output.WriteLine($"optimizer  {optimizer}");
        output.WriteLine($"training   {options.Epochs} epochs, batch {options.BatchSize}, {trainer.BatchesPerEpoch} steps/epoch, seed {options.Seed}, {ComputeThreads.Count} threads");
        if (trainer.Schedules is { } schedules) output.WriteLine($"schedule   {schedules}");
        output.WriteLine();
        output.WriteLine(EpochRow.Header);

        var results = new List<EpochResult>();
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            var result = console.Profile.Capabilities.Interactive ? RunWithProgress(console, trainer, epoch) : trainer.RunEpoch(epoch);
            results.Add(result);
            output.WriteLine(EpochRow.Format(result));
            csv?.Write(result);
        }

        console.WriteLine();
        console.Write(SummaryTable(results));
        return ExitCodes.Success;
    }


    private void ValidateSchedules()
    {
        if (options.Schedules.Count == 0) return;
        var probe = Tensors.Tensor.Zeros(1);
        probe.RequiresGrad = true;
        var probeOptimizer = optimizer.Create([new Nn.NamedParameter("probe", probe)]);
        try { ScheduleSet.Build(options.Schedules, probeOptimizer, 1, options.Epochs); }
        catch (ArgumentException e) { throw new CliUsageException($"invalid --schedule: {e.Message.Split(" (Parameter")[0]}"); }
    }

    private static EpochResult RunWithProgress(IAnsiConsole console, Trainer trainer, int epoch)
    {
        EpochResult? result = null;
        console.Progress()
            .AutoClear(true)
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
            .Start(ctx =>
            {
                var task = ctx.AddTask($"epoch {epoch}", maxValue: trainer.BatchesPerEpoch);
                result = trainer.RunEpoch(epoch, onBatch: (_, done) => task.Value = done);
            });
        return result!;
    }

    private static Table SummaryTable(IReadOnlyList<EpochResult> results)
    {
        var table = new Table().Border(TableBorder.Rounded)
            .AddColumns("epoch", "train loss", "test loss", "test acc", "lr", "time (s)", "samples/s");
        foreach (var r in results)
            table.AddRow(r.Epoch.ToString(CultureInfo.InvariantCulture), F(r.TrainLoss, "F4"), F(r.TestLoss, "F4"),
                F(100 * r.TestAccuracy, "F2") + "%", F(r.Lr, "G4"), F(r.Seconds, "F2"), F(r.SamplesPerSecond, "F0"));
        return table;
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>The fixed-width line printed after each epoch.</summary>
internal static class EpochRow
{
    public const string Header = "epoch  train_loss  test_loss  test_acc          lr  time_s  samples/s";

    public static string Format(EpochResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Epoch,5}  {r.TrainLoss,10:F4}  {r.TestLoss,9:F4}  {100 * r.TestAccuracy,7:F2}%  {r.Lr,10:G4}  {r.Seconds,6:F2}  {r.SamplesPerSecond,9:F0}");
}

/// <summary>The per-epoch results as CSV, written and flushed row by row so an interrupted run keeps its rows.</summary>
internal sealed class EpochCsv : IDisposable
{
    private readonly StreamWriter _writer;

    private EpochCsv(StreamWriter writer) => _writer = writer;

    /// <summary>Opens (creates or truncates) the file now, so an unwritable path fails before training starts.</summary>
    public static EpochCsv Create(string path)
    {
        var writer = new StreamWriter(path, append: false);
        writer.WriteLine("epoch,train_loss,test_loss,test_accuracy,lr,seconds,samples_per_second");
        writer.Flush();
        return new EpochCsv(writer);
    }

    public void Write(EpochResult r)
    {
        _writer.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Epoch},{r.TrainLoss:R},{r.TestLoss:R},{r.TestAccuracy:R},{r.Lr:R},{r.Seconds:F3},{r.SamplesPerSecond:F1}"));
        _writer.Flush();
    }

    public void Dispose() => _writer.Dispose();
}
