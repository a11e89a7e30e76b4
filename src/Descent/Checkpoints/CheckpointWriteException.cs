namespace Descent.Checkpoints;

/// <summary>
/// A checkpoint or weights file could not be written: the directory cannot be created or written, or the disk is
/// full. The file at the destination, if any, is unchanged, and no partial file is left behind.
/// </summary>
/// <remarks>The message starts with the path and says why; the operating system's error is the inner exception.</remarks>
public sealed class CheckpointWriteException : IOException
{
    /// <summary>Creates the exception for <paramref name="path"/>, describing <paramref name="problem"/>.</summary>
    /// <param name="path">The file or directory that could not be written.</param>
    /// <param name="problem">What went wrong, phrased to follow "path: ".</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public CheckpointWriteException(string path, string problem, Exception? innerException = null)
        : base($"{path}: {problem}", innerException)
    {
        FilePath = path;
    }

    /// <summary>The file or directory that could not be written.</summary>
    public string FilePath { get; }
}
