using System.Runtime.InteropServices;

namespace Descent.Checkpoints;

/// <summary>
/// Replaces a file so that a crash at any moment leaves either the old file or the complete new one: the contents
/// go to a temporary file in the same directory, which is flushed to disk (fsync) and then renamed over the
/// destination; the directory is then synced so the rename itself is durable.
/// </summary>
/// <remarks>
/// Temporary files are named ".&lt;name&gt;.tmp-&lt;process id&gt;-&lt;random&gt;", hidden and never matching a
/// checkpoint name, so a file left by a killed process is never mistaken for a checkpoint; <see cref="IsTemporary"/>
/// recognizes them for cleanup.
/// </remarks>
public static partial class AtomicFile
{
    private const string TempMarker = ".tmp-";

    /// <summary>Writes the file at <paramref name="path"/> with <paramref name="write"/>, atomically.</summary>
    /// <exception cref="CheckpointWriteException">The file could not be written (unwritable directory, full disk);
    /// the destination is unchanged and the temporary file removed.</exception>
    public static void Write(string path, Action<Stream> write) => Write(path, write, open: null);

    /// <summary>
    /// As <see cref="Write(string, Action{Stream})"/>, opening the temporary file with <paramref name="open"/> when
    /// given: a seam for tests, which inject a stream that fails as a full disk does.
    /// </summary>
    internal static void Write(string path, Action<Stream> write, Func<string, Stream>? open)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        ArgumentNullException.ThrowIfNull(write);
        string full = Path.GetFullPath(path);
        string directory = Path.GetDirectoryName(full) ?? throw new ArgumentException($"'{path}' has no directory", nameof(path));
        string temp = Path.Combine(directory, "." + Path.GetFileName(full) + TempMarker + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var stream = open is null
                ? new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16)
                : open(temp))
            {
                write(stream);
                if (stream is FileStream file) file.Flush(flushToDisk: true);
                else stream.Flush();
            }
            File.Move(temp, full, overwrite: true);
        }
        catch (Exception e)
        {
            TryDelete(temp);
            if (e is IOException or UnauthorizedAccessException)
                throw new CheckpointWriteException(path, $"could not write the file ({Reason(e)}); nothing was replaced and the partial file was removed", e);
            throw;
        }
        SyncDirectory(directory);
    }

    /// <summary>True for the name of a temporary file left by <see cref="Write(string, Action{Stream})"/> (for example by a killed process).</summary>
    public static bool IsTemporary(string fileName)
    {
        ArgumentNullException.ThrowIfNull(fileName);
        string name = Path.GetFileName(fileName);
        return name.StartsWith('.') && name.Contains(TempMarker, StringComparison.Ordinal);
    }

    /// <summary>The temporary files left in <paramref name="directory"/> for destination names starting with <paramref name="prefix"/>.</summary>
    public static IEnumerable<string> TemporaryFiles(string directory, string prefix)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (!Directory.Exists(directory)) return [];
        return Directory.EnumerateFiles(directory, "." + prefix + "*" + TempMarker + "*").Where(IsTemporary);
    }

    /// <summary>Checks that files can be created in <paramref name="directory"/> (creating it if needed) by writing and deleting a probe file.</summary>
    /// <exception cref="CheckpointWriteException">The directory cannot be created or written; the message says why.</exception>
    public static void EnsureWritableDirectory(string directory)
    {
        ArgumentException.ThrowIfNullOrEmpty(directory);
        if (File.Exists(directory))
            throw new CheckpointWriteException(directory, "is a file, not a directory");
        try { Directory.CreateDirectory(directory); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new CheckpointWriteException(directory, $"cannot create the directory ({Reason(e)})", e);
        }
        string probe = Path.Combine(directory, ".descent-write-probe-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            using (var stream = new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            {
                stream.WriteByte(0);
                stream.Flush(flushToDisk: true);
            }
            File.Delete(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(probe);
            throw new CheckpointWriteException(directory, $"cannot write files in the directory ({Reason(e)})", e);
        }
    }

    private static string Reason(Exception e)
    {
        string message = e.Message.ReplaceLineEndings(" ").Trim();
        // The runtime appends " : '<path>'" to file-system errors; the path is already named.
        int cut = message.IndexOf(" : '", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    private static void TryDelete(string path)
    {
        try { File.Delete(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
    }

    /// <summary>fsync on the directory, so a completed rename survives a power loss (POSIX only; best effort).</summary>
    private static void SyncDirectory(string directory)
    {
        if (!(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())) return;
        try
        {
            int fd = Open(directory, 0);
            if (fd < 0) return;
            _ = Fsync(fd);
            _ = Close(fd);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
