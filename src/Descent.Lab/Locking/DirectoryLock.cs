using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Descent.Lab.Locking;

/// <summary>
/// Holds a directory for one writer (a comparison's run directory, a training's checkpoint directory): a lock file,
/// <c>.descent.lock</c>, created exclusively and holding the holder's process id, host and start time. A second
/// writer fails at once with <see cref="DirectoryLockedException"/> naming the holder. A lock left by a process that
/// is gone (same host, no such process) is stale: it is taken over, and <see cref="TakeOverNote"/> says so. A lock
/// from another host is never taken over (its process cannot be checked). Disposing releases the lock.
/// </summary>
public sealed class DirectoryLock : IDisposable
{
    /// <summary>The lock file's name inside the locked directory.</summary>
    public const string FileName = ".descent.lock";

    /// <summary>The tokens of the locks this process holds: a lock file with this process's id is live only if it is one of them.</summary>
    private static readonly HashSet<string> HeldTokens = [];

    private readonly string _token;
    private bool _released;

    private DirectoryLock(string directory, string token, string? note)
    {
        Directory = directory;
        _token = token;
        TakeOverNote = note;
    }

    /// <summary>The locked directory (full path).</summary>
    public string Directory { get; }

    /// <summary>The lock file (full path).</summary>
    public string FilePath => Path.Combine(Directory, FileName);

    /// <summary>When a stale lock was taken over: one sentence naming its former holder; otherwise null.</summary>
    public string? TakeOverNote { get; }

    /// <summary>Creates <paramref name="directory"/> when needed and takes its lock.</summary>
    /// <exception cref="DirectoryLockedException">A live process (or one on another host) holds the lock.</exception>
    public static DirectoryLock Acquire(string directory)
    {
        directory = Path.GetFullPath(directory);
        System.IO.Directory.CreateDirectory(directory);
        string file = Path.Combine(directory, FileName);
        string token = string.Create(CultureInfo.InvariantCulture,
            $"pid={Environment.ProcessId}\nhost={Environment.MachineName}\nstarted={DateTime.UtcNow:O}\nid={Guid.NewGuid():N}\n");
        string? note = null;
        for (int attempt = 0; attempt < 3; attempt++)
        {
            if (TryCreate(file, token))
            {
                lock (HeldTokens) HeldTokens.Add(token);
                return new DirectoryLock(directory, token, note);
            }
            var holder = Holder.Read(file);
            if (holder is null)
            {
                Thread.Sleep(50);   // released, or being written, in between: try again
                continue;
            }
            if (!holder.IsStale)
                throw new DirectoryLockedException(
                    $"{directory} is in use by process {holder.Pid} on {holder.Host} (since {holder.Started}); wait for it to finish, " +
                    $"or delete {file} if that process is gone", directory, holder.Pid, holder.Host);
            note = $"took over the stale lock of {directory}: its holder, process {holder.Pid} on {holder.Host}, is gone";
            try { File.Delete(file); } catch (IOException) { }
        }
        throw new IOException($"could not take the lock {file}: it keeps changing");
    }

    private static bool TryCreate(string file, string token)
    {
        try
        {
            using var stream = new FileStream(file, FileMode.CreateNew, FileAccess.Write, FileShare.Read);
            stream.Write(Encoding.UTF8.GetBytes(token));
            stream.Flush(flushToDisk: true);
            return true;
        }
        catch (IOException) when (File.Exists(file)) { return false; }
    }

    /// <summary>Releases the lock (deletes the lock file if it is still this holder's).</summary>
    public void Dispose()
    {
        if (_released) return;
        _released = true;
        lock (HeldTokens) HeldTokens.Remove(_token);
        try
        {
            if (File.Exists(FilePath) && File.ReadAllText(FilePath) == _token) File.Delete(FilePath);
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }

    /// <summary>What a lock file says about its holder.</summary>
    private sealed record Holder(int Pid, string Host, string Started)
    {
        /// <summary>Whether the lock file's text is a token this process holds.</summary>
        public bool HeldByThisProcess { get; init; }

        /// <summary>Same host and no process with the id: the holder died without releasing the lock.</summary>
        public bool IsStale => Host == Environment.MachineName && !IsRunning(Pid, HeldByThisProcess);

        public static Holder? Read(string file)
        {
            string text;
            try { text = File.ReadAllText(file); }
            catch (FileNotFoundException) { return null; }
            catch (IOException) { return null; }
            if (text.Length == 0)
            {
                // Created but not yet written: being taken right now, or its writer was killed in between (then it
                // stays empty: after a few seconds it is treated as stale).
                bool old = DateTime.UtcNow - File.GetLastWriteTimeUtc(file) > TimeSpan.FromSeconds(5);
                return old ? new Holder(0, Environment.MachineName, "an unknown time") : null;
            }
            var fields = text.Split('\n').Select(l => l.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0], p => p[1].Trim());
            if (!fields.TryGetValue("pid", out var pidText) || !int.TryParse(pidText, NumberStyles.None, CultureInfo.InvariantCulture, out int pid))
                return new Holder(0, Environment.MachineName, "an unknown time");   // unreadable: treated as stale (pid 0 is never ours)
            bool held;
            lock (HeldTokens) held = HeldTokens.Contains(text);
            return new Holder(pid, fields.GetValueOrDefault("host", "an unknown host"), fields.GetValueOrDefault("started", "an unknown time")) { HeldByThisProcess = held };
        }

        private static bool IsRunning(int pid, bool heldHere)
        {
            if (pid <= 0) return false;
            // A lock with this process's own id is live only if this process took it; otherwise an earlier process
            // that had the same id (PID 1 in a container, say) left it behind.
            if (pid == Environment.ProcessId) return heldHere;
            try
            {
                using var process = Process.GetProcessById(pid);
                return !process.HasExited;
            }
            catch (ArgumentException) { return false; }
            catch (InvalidOperationException) { return false; }
        }
    }
}
