using System.Globalization;
using Descent.Checkpoints;
using Descent.Lab.Locking;
using Descent.Lab.Problems;
using Descent.Lab.Schedules;
using Descent.Lab.Training;
using Descent.Threading;
using Spectre.Console;

namespace Descent.Cli.Commands;

/// <summary>
/// The checkpoint options of <c>descent train</c>: save every <paramref name="Every"/> steps into
/// <paramref name="Directory"/> keeping <paramref name="Keep"/>; resume (from <paramref name="ResumePath"/>, or the
/// newest in the directory); write the final weights to <paramref name="SavePath"/>.
/// </summary>
internal sealed record CheckpointSettings(int? Every, string Directory, int Keep, bool Resume, string? ResumePath, string? SavePath)
{
    /// <summary>No checkpoints, no resume, no weights file.</summary>
    public static CheckpointSettings None { get; } = new(null, "runs/checkpoints", 3, false, null, null);
}

/// <summary>One invocation of <c>descent train</c>: validate, load, (resume,) train, checkpoint, report.</summary>
internal sealed class TrainRun(Problem problem, OptimizerSpec optimizer, TrainingOptions options, string? dataDirectory, string? csvPath,
    CheckpointSettings? checkpoints = null)
{
    private readonly CheckpointSettings _checkpoints = checkpoints ?? CheckpointSettings.None;

    public int Execute(TextWriter output, bool showProgress)
    {
        options.Validate();
        optimizer.Validate();
        ValidateSchedules();
        ValidateCheckpointOptions();
        var config = RunConfig.Create(problem, optimizer, options);

        // Everything that can fail without training is checked before the data is loaded: the checkpoint to resume
        // from (readable, intact, same configuration) and the directories that will be written.
        var directory = _checkpoints.Every is not null || (_checkpoints.Resume && _checkpoints.ResumePath is null)
            ? new CheckpointDirectory(_checkpoints.Directory, _checkpoints.Keep) : null;
        TrainingCheckpoint? resumeFrom = null;
        string? resumeNote = null;
        if (_checkpoints.Resume)
        {
            string? path = _checkpoints.ResumePath ?? directory!.Latest();
            if (path is null) resumeNote = $"no checkpoint in {directory!.Path}; starting from the beginning";
            else
            {
                resumeFrom = TrainingCheckpoint.Load(path);
                resumeFrom.CheckCompatible(config);
            }
        }
        if (_checkpoints.Every is not null) directory!.EnsureWritable();
        // One writer per checkpoint directory: a second training into it fails now, naming the holder.
        using var held = _checkpoints.Every is not null ? DirectoryLock.Acquire(directory!.Path) : null;
        if (_checkpoints.SavePath is { } savePath)
            AtomicFile.EnsureWritableDirectory(Path.GetDirectoryName(Path.GetFullPath(savePath))!);
        using var csv = csvPath is null ? null : EpochCsv.Create(csvPath);

        var data = problem.LoadData(dataDirectory);
        var trainer = new Trainer(problem, data, optimizer, options);
        var policy = _checkpoints.Every is int every ? new CheckpointPolicy(directory!, every) : null;
        policy?.Prepare(trainer);
        if (_checkpoints.SavePath is { } weightsPath)   // the weights file must fit before training, not after the last epoch
            new CheckpointDirectory(Path.GetDirectoryName(Path.GetFullPath(weightsPath))!, 1)
                .EnsureSpace(Checkpoint.SizeOf(trainer.Model), $"--save {weightsPath}");
        resumeFrom?.ApplyTo(trainer);
        bool terminal = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Interactive = showProgress && terminal ? InteractionSupport.Yes : InteractionSupport.No,
            Ansi = terminal ? AnsiSupport.Detect : AnsiSupport.No,
        });

        output.WriteLine($"problem    {problem.Name}: {problem.Description}");
        output.WriteLine($"data       {trainer.Data.Train.Count} train / {trainer.Data.Test.Count} test samples");
        output.WriteLine($"model      {trainer.Model.ParameterCount().ToString("N0", CultureInfo.InvariantCulture)} parameters");
        output.WriteLine($"optimizer  {optimizer}");
        output.WriteLine($"training   {Count(options.Epochs, "epoch")}, batch {options.BatchSize}, {trainer.BatchesPerEpoch} steps/epoch, seed {options.Seed}, {ComputeThreads.Count} threads");
        if (trainer.Schedules is { } schedules) output.WriteLine($"schedule   {schedules}");
        if (policy is not null)
            output.WriteLine($"checkpoint every {policy.Every} steps in {directory!.Path}, keeping {directory.Keep}");
        if (held?.TakeOverNote is { } lockNote) output.WriteLine($"lock       {lockNote}");
        if (resumeNote is not null) output.WriteLine($"resume     {resumeNote}");
        if (resumeFrom is not null) output.WriteLine($"resume     from {resumeFrom.Path}: {Position(resumeFrom.State, trainer.BatchesPerEpoch, options.Epochs)}");
        if (resumeFrom?.DataNote is { } dataNote) output.WriteLine($"note       {dataNote}");
        output.WriteLine();
        output.WriteLine(EpochRow.Header);

        var progress = new TrainProgress(console, output, csv);
        ITrainingObserver[] observers = policy is null ? [progress] : [progress, policy];
        try
        {
            progress.Show(trainer, () => trainer.Run(observers));
        }
        catch (TrainingDivergedException e) when (policy is not null)
        {
            string note = policy.LastSaved is null ? "; no checkpoint was written" : $"; the last good checkpoint is {policy.LastSaved}";
            throw new TrainingDivergedException(e.Message + note, e.Step ?? trainer.GlobalStep, e.Epoch ?? trainer.NextEpoch, e.Parameter, e);
        }
        if (_checkpoints.SavePath is { } weights)
        {
            TrainingCheckpoint.SaveWeights(weights, trainer);
            output.WriteLine($"saved      final weights to {weights}");
        }
        return ExitCodes.Success;
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";

    private static string Position(TrainingState state, int batchesPerEpoch, int epochs) =>
        state.Epoch > epochs ? $"training was complete (step {state.Step}, {epochs} epochs)"
        : state.Order is null ? $"start of epoch {state.Epoch}, step {state.Step}"
        : $"epoch {state.Epoch}, after batch {state.NextBatch} of {batchesPerEpoch}, step {state.Step}";

    private void ValidateCheckpointOptions()
    {
        if (_checkpoints.Every is int every && every < 1) throw new CliUsageException($"invalid --checkpoint-every: must be at least 1 (got {every})");
        if (_checkpoints.Keep < 1) throw new CliUsageException($"invalid --keep: must be at least 1 (got {_checkpoints.Keep})");
        if (string.IsNullOrWhiteSpace(_checkpoints.Directory)) throw new CliUsageException("invalid --checkpoint-dir: must not be empty");
        if (_checkpoints.ResumePath is "") throw new CliUsageException("invalid --resume: the path must not be empty");
        if (_checkpoints.SavePath is { } save && (save.Length == 0 || Directory.Exists(save)))
            throw new CliUsageException($"invalid --save: '{save}' is a directory; give a file path such as model.safetensors");
    }

    private void ValidateSchedules()
    {
        if (options.Schedules.Count == 0) return;
        var probe = Tensors.Tensor.Zeros(1);
        probe.RequiresGrad = true;
        var probeOptimizer = optimizer.Create([new Nn.NamedParameter("probe", probe)]);
        try { ScheduleSet.Build(options.Schedules, probeOptimizer, 1, options.Epochs); }
        catch (ArgumentException e) { throw new CliUsageException($"invalid --schedule: {InvalidOptionException.Describe(e)}"); }
    }

}

/// <summary>The fixed-width line printed after each epoch.</summary>
internal static class EpochRow
{
    public const string Header = "epoch  train_loss  test_loss  test_acc          lr  time_s  samples/s";

    /// <summary>The row; a problem without classes shows "-" for the accuracy.</summary>
    public static string Format(EpochResult r) => string.Create(CultureInfo.InvariantCulture,
        $"{r.Epoch,5}  {r.TrainLoss,10:F4}  {r.TestLoss,9:F4}  {Accuracy(r.TestAccuracy),8}  {r.Lr,10:G4}  {r.Seconds,6:F2}  {r.SamplesPerSecond,9:F0}");

    private static string Accuracy(double a) => double.IsFinite(a) ? (100 * a).ToString("F2", CultureInfo.InvariantCulture) + "%" : "-";
}

/// <summary>
/// The per-epoch results as CSV, written and flushed row by row so an interrupted run keeps its rows. Each row is
/// written whole: when a write fails (a full disk), the file is cut back to its last complete row and the failure is
/// an <see cref="IOException"/> naming the file (exit code 3).
/// </summary>
internal sealed class EpochCsv : IDisposable
{
    private readonly FileStream _stream;
    private readonly string _path;
    private long _complete;

    private EpochCsv(FileStream stream, string path)
    {
        _stream = stream;
        _path = path;
    }

    /// <summary>Opens (creates or truncates) the file and writes the header now, so an unwritable path fails before training starts.</summary>
    public static EpochCsv Create(string path)
    {
        FileStream stream;
        try { stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.Read); }
        catch (DirectoryNotFoundException e)
        {
            throw new IOException($"cannot write --csv {path}: its directory {Path.GetDirectoryName(Path.GetFullPath(path))} does not exist", e);
        }
        catch (UnauthorizedAccessException e)
        {
            throw new IOException($"cannot write --csv {path}: permission denied", e);
        }
        var csv = new EpochCsv(stream, path);
        try
        {
            if (stream.CanSeek) stream.SetLength(0);
            csv.WriteLine("epoch,train_loss,test_loss,test_accuracy,lr,seconds,samples_per_second");
            return csv;
        }
        catch
        {
            csv.Dispose();
            throw;
        }
    }

    public void Write(EpochResult r) => WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{r.Epoch},{r.TrainLoss:R},{r.TestLoss:R},{r.TestAccuracy:R},{r.Lr:R},{r.Seconds:F3},{r.SamplesPerSecond:F1}"));

    private void WriteLine(string line)
    {
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(line + "\n");
        try
        {
            _stream.Write(bytes);
            _stream.Flush(flushToDisk: false);
            _complete += bytes.Length;
        }
        catch (IOException e)
        {
            try { if (_stream.CanSeek) _stream.SetLength(_complete); } catch (IOException) { }
            throw new IOException($"{_path}: could not write the epoch results ({e.Message.TrimEnd('.')}); the file keeps its complete rows", e);
        }
    }

    public void Dispose()
    {
        try { _stream.Dispose(); }
        catch (IOException) { }   // the failed write was reported already
    }
}
