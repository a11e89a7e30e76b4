namespace Descent.Lab.Locking;

/// <summary>Another live process holds the lock of a directory Descent would write into.</summary>
public sealed class DirectoryLockedException(string message, string directory, int holderPid, string holderHost) : IOException(message)
{
    /// <summary>The directory that is locked.</summary>
    public string Directory { get; } = directory;

    /// <summary>The process id recorded by the holder.</summary>
    public int HolderPid { get; } = holderPid;

    /// <summary>The host name recorded by the holder.</summary>
    public string HolderHost { get; } = holderHost;
}
