using System.Globalization;
using Descent.Checkpoints;

namespace Descent.Lab.Training;

/// <summary>
/// The checkpoints of a run in one directory: "ckpt-&lt;step&gt;.safetensors" (the step zero-padded to nine digits),
/// written atomically, the newest <see cref="Keep"/> kept.
/// </summary>
/// <remarks>
/// Only complete files carry a checkpoint name: a write in progress goes to a hidden temporary file that is renamed
/// when it is complete and synced (see <see cref="AtomicFile"/>), so a half-written checkpoint is never listed;
/// <see cref="RemoveTemporaryFiles"/> deletes those a killed process left behind.
/// </remarks>
public sealed class CheckpointDirectory
{
    /// <summary>The file name prefix.</summary>
    public const string Prefix = "ckpt-";

    /// <summary>The file name extension.</summary>
    public const string Extension = ".safetensors";

    /// <summary>Uses <paramref name="path"/>, keeping the newest <paramref name="keep"/> checkpoints.</summary>
    public CheckpointDirectory(string path, int keep = 3)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentOutOfRangeException.ThrowIfLessThan(keep, 1);
        Path = path;
        Keep = keep;
    }

    /// <summary>The directory.</summary>
    public string Path { get; }

    /// <summary>How many checkpoints are kept; older ones are deleted after each save.</summary>
    public int Keep { get; }

    /// <summary>The path of the checkpoint of global step <paramref name="step"/>.</summary>
    public string PathFor(long step) =>
        System.IO.Path.Combine(Path, Prefix + step.ToString("D9", CultureInfo.InvariantCulture) + Extension);

    /// <summary>The checkpoints present, oldest first.</summary>
    public IReadOnlyList<(long Step, string Path)> List()
    {
        if (!Directory.Exists(Path)) return [];
        var result = new List<(long, string)>();
        foreach (var file in Directory.EnumerateFiles(Path, Prefix + "*" + Extension))
        {
            string name = System.IO.Path.GetFileName(file);
            string digits = name[Prefix.Length..^Extension.Length];
            if (digits.Length > 0 && digits.All(char.IsAsciiDigit) && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out long step))
                result.Add((step, file));
        }
        return result.OrderBy(c => c.Item1).ToList();
    }

    /// <summary>The newest checkpoint, or null when there is none.</summary>
    public string? Latest() => List() is { Count: > 0 } all ? all[^1].Path : null;

    /// <summary>Creates the directory if needed and checks that files can be written in it.</summary>
    /// <exception cref="CheckpointWriteException">It cannot be created or written.</exception>
    public void EnsureWritable() => AtomicFile.EnsureWritableDirectory(Path);

    /// <summary>
    /// Checks that the file system has room for at least <paramref name="bytes"/> (a checkpoint's size) when it
    /// reports its free space.
    /// </summary>
    /// <exception cref="CheckpointWriteException">It reports less free space.</exception>
    public void EnsureSpace(long bytes) => EnsureSpace(bytes, "the checkpoints");

    /// <summary>As <see cref="EnsureSpace(long)"/>, naming what needs the room (such as "--save model.safetensors").</summary>
    /// <exception cref="CheckpointWriteException">The file system reports less free space.</exception>
    public void EnsureSpace(long bytes, string what)
    {
        long? free = FreeBytes(Path);
        if (free is long f && f < bytes)
            throw new CheckpointWriteException(Path, $"not enough free space for {what}: {f.ToString("N0", CultureInfo.InvariantCulture)} bytes free, {bytes.ToString("N0", CultureInfo.InvariantCulture)} needed");
    }

    /// <summary>Deletes temporary files left by an interrupted save; returns how many.</summary>
    public int RemoveTemporaryFiles()
    {
        int removed = 0;
        foreach (var file in AtomicFile.TemporaryFiles(Path, Prefix))
        {
            try
            {
                File.Delete(file);
                removed++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return removed;
    }

    /// <summary>Saves <paramref name="trainer"/>'s checkpoint for its current step, then deletes all but the newest <see cref="Keep"/>.</summary>
    /// <returns>The path written.</returns>
    public string Save(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        string path = PathFor(trainer.GlobalStep);
        TrainingCheckpoint.Save(path, trainer);
        Prune();
        return path;
    }

    /// <summary>Deletes all but the newest <see cref="Keep"/> checkpoints (best effort).</summary>
    public void Prune()
    {
        var all = List();
        for (int i = 0; i < all.Count - Keep; i++)
        {
            try { File.Delete(all[i].Path); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
    }

    private static long? FreeBytes(string path)
    {
        try
        {
            string full = System.IO.Path.GetFullPath(path);
            var drive = new DriveInfo(full);
            return drive.IsReady ? drive.AvailableFreeSpace : null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }
}
