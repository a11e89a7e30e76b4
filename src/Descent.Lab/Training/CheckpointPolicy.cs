using Descent.Checkpoints;

namespace Descent.Lab.Training;

/// <summary>
/// When and where a run writes its checkpoints, as an <see cref="ITrainingObserver"/>: every <see cref="Every"/>
/// global steps and when the run finishes, into a <see cref="CheckpointDirectory"/> that keeps the newest K, each
/// written atomically. A run that diverges writes nothing more, so the newest checkpoint is the last good one
/// (<see cref="LastSaved"/>). <c>descent train</c>, <c>descent compare</c> and library users share it.
/// </summary>
/// <example>
/// <code>
/// var checkpoints = new CheckpointPolicy(new CheckpointDirectory("runs/mlp", keep: 3), every: 500);
/// checkpoints.ResumeLatest(trainer);     // continue where a killed run stopped, if it wrote a checkpoint
/// trainer.Run(checkpoints);
/// </code>
/// </example>
public sealed class CheckpointPolicy : ITrainingObserver
{
    /// <summary>Checkpoints into <paramref name="directory"/> every <paramref name="every"/> steps (null: only at the end).</summary>
    public CheckpointPolicy(CheckpointDirectory directory, int? every)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (every is < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "checkpoint interval must be at least 1 step");
        Directory = directory;
        Every = every;
        LastSaved = directory.Latest();
    }

    /// <summary>Where the checkpoints go.</summary>
    public CheckpointDirectory Directory { get; }

    /// <summary>The interval in global steps, or null for a checkpoint at the end only.</summary>
    public int? Every { get; }

    /// <summary>The newest checkpoint written (or found in the directory when the policy was made), or null.</summary>
    public string? LastSaved { get; private set; }

    private bool _prepared;

    /// <summary>
    /// Checks, before training, that the directory can be written and has room for the kept checkpoints and the one
    /// being written (when the file system reports its free space), and removes temporary files a killed save left.
    /// </summary>
    /// <exception cref="CheckpointWriteException">The directory cannot be written or is too full.</exception>
    public void Prepare(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        Directory.EnsureWritable();
        Directory.RemoveTemporaryFiles();
        long more = Math.Max(1, Directory.Keep + 1L - Directory.List().Count);   // the kept ones, and the one being written
        Directory.EnsureSpace(Checkpoint.SizeOf(trainer.Model, trainer.Optimizer) * more);
        _prepared = true;
    }

    /// <summary>Prepares the directory (see <see cref="Prepare"/>) unless that was done already.</summary>
    void ITrainingObserver.RunStarted(Trainer trainer)
    {
        if (!_prepared) Prepare(trainer);
    }

    /// <summary>
    /// Restores the newest checkpoint of the directory into the freshly built <paramref name="trainer"/>; returns it,
    /// or null when there is none (the run starts from the beginning).
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The checkpoint was written by a run with another configuration.</exception>
    /// <exception cref="CheckpointFormatException">The checkpoint is corrupt or does not fit the run.</exception>
    public TrainingCheckpoint? ResumeLatest(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        if (Directory.Latest() is not { } path) return null;
        var checkpoint = TrainingCheckpoint.Load(path);
        checkpoint.ApplyTo(trainer);
        LastSaved = path;
        return checkpoint;
    }

    /// <summary>Writes a checkpoint of the trainer's current step now; returns its path.</summary>
    public string Save(Trainer trainer)
    {
        LastSaved = Directory.Save(trainer);
        return LastSaved;
    }

    void ITrainingObserver.StepDone(Trainer trainer, in TrainingStep step)
    {
        if (Every is int n && step.GlobalStep % n == 0) Save(trainer);
    }

    /// <summary>The final checkpoint (it replaces one written at the same step before the last evaluation).</summary>
    void ITrainingObserver.RunFinished(Trainer trainer) => Save(trainer);
}
