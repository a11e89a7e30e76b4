using System.Globalization;
using System.Text;
using System.Text.Json;
using Descent.Checkpoints;
using Descent.Lab.Training;

namespace Descent.Lab.Compare;

/// <summary>How a run of a comparison ended, as its marker file records it.</summary>
/// <param name="Diverged">Whether the run diverged.</param>
/// <param name="Message">Why it diverged, or null.</param>
public sealed record RunEnd(bool Diverged, string? Message);

/// <summary>
/// The checkpoints of a comparison's runs, in runs/NAME/checkpoints/: one directory per run (run-001, run-002, ... in
/// the order the runs are trained) where a <see cref="CheckpointPolicy"/> writes while the run trains. When a run
/// ends, a marker file (end.json: finished or diverged, and why) is written and its checkpoints are deleted, so a
/// finished comparison keeps only the markers.
/// </summary>
/// <remarks>
/// A killed comparison resumes from this: finished runs are skipped, the interrupted run continues from its newest
/// checkpoint, and <see cref="KeepsRow"/> tells which rows of the metrics file the checkpoints account for (the
/// others are written again, identically, by the resumed run).
/// </remarks>
public sealed class ComparisonCheckpoints
{
    /// <summary>The folder of the checkpoints inside a comparison's directory.</summary>
    public const string FolderName = "checkpoints";

    /// <summary>The marker file of a run that ended.</summary>
    public const string EndFile = "end.json";

    /// <summary>Checkpoints under <paramref name="runPath"/>/checkpoints, every <paramref name="every"/> steps (null: once per epoch).</summary>
    public ComparisonCheckpoints(string runPath, int? every = null, int keep = 2)
    {
        ArgumentException.ThrowIfNullOrEmpty(runPath);
        if (every is < 1) throw new ArgumentOutOfRangeException(nameof(every), every, "checkpoint interval must be at least 1 step");
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Path = System.IO.Path.Combine(runPath, FolderName);
        Every = every;
        Keep = keep;
    }

    /// <summary>The folder holding one directory per run.</summary>
    public string Path { get; }

    /// <summary>The checkpoint interval in steps, or null for once per epoch.</summary>
    public int? Every { get; }

    /// <summary>Checkpoints kept per run while it trains.</summary>
    public int Keep { get; }

    /// <summary>The directory of run <paramref name="index"/> (from 1).</summary>
    public string DirectoryOf(int index) => System.IO.Path.Combine(Path, "run-" + index.ToString("D3", CultureInfo.InvariantCulture));

    /// <summary>The checkpoint policy of run <paramref name="index"/>, whose epochs have <paramref name="batchesPerEpoch"/> steps.</summary>
    public CheckpointPolicy PolicyFor(int index, int batchesPerEpoch) =>
        new(new CheckpointDirectory(DirectoryOf(index), Keep), Every ?? batchesPerEpoch);

    /// <summary>How run <paramref name="index"/> ended, or null when it has not.</summary>
    /// <exception cref="InvalidDataException">The marker file is not one Descent wrote.</exception>
    public RunEnd? EndOf(int index)
    {
        string path = System.IO.Path.Combine(DirectoryOf(index), EndFile);
        if (!File.Exists(path)) return null;
        try
        {
            using var json = JsonDocument.Parse(File.ReadAllText(path));
            var root = json.RootElement;
            string status = root.GetProperty("status").GetString() ?? "";
            if (status is not ("finished" or "diverged")) throw new InvalidDataException($"{path}: unknown status '{status}'");
            string? message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : null;
            return new RunEnd(status == "diverged", message);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new InvalidDataException($"{path} is not a run marker written by descent compare: {e.Message}");
        }
    }

    /// <summary>Records that run <paramref name="index"/> ended (atomically), then deletes its checkpoints.</summary>
    public void MarkEnded(int index, RunEnd end)
    {
        string directory = DirectoryOf(index);
        Directory.CreateDirectory(directory);
        var json = JsonSerializer.Serialize(new Dictionary<string, string?>
        {
            ["status"] = end.Diverged ? "diverged" : "finished",
            ["message"] = end.Message,
        });
        AtomicFile.Write(System.IO.Path.Combine(directory, EndFile), stream => stream.Write(Encoding.UTF8.GetBytes(json + "\n")));
        RemoveCheckpoints(index);
    }

    /// <summary>
    /// Deletes run <paramref name="index"/>'s checkpoints and temporary files (after its end marker; again on a resume,
    /// in case the comparison was killed between the two).
    /// </summary>
    public void RemoveCheckpoints(int index)
    {
        string directory = DirectoryOf(index);
        var checkpoints = new CheckpointDirectory(directory);
        foreach (var (_, path) in checkpoints.List())
        {
            try { File.Delete(path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        RemoveTemporaryFiles(directory);
    }

    /// <summary>Deletes the temporary files an interrupted atomic write left in <paramref name="directory"/>.</summary>
    internal static void RemoveTemporaryFiles(string directory)
    {
        foreach (string file in AtomicFile.TemporaryFiles(directory, ""))
        {
            try { File.Delete(file); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    /// <summary>
    /// Which of run <paramref name="index"/>'s metric rows a resumed comparison keeps: all of them when the run
    /// ended; those up to its newest checkpoint (step rows up to the checkpoint's step, epoch rows of the epochs
    /// completed before it) when it was interrupted; none when it wrote no checkpoint.
    /// </summary>
    public Func<MetricRow, bool> KeepsRow(int index)
    {
        if (EndOf(index) is not null) return _ => true;
        if (new CheckpointDirectory(DirectoryOf(index)).Latest() is not { } latest) return _ => false;
        var state = TrainingCheckpoint.Load(latest).State;
        return row => row.Scope == MetricRow.StepScope ? row.Step <= state.Step : row.Epoch < state.Epoch;
    }
}
