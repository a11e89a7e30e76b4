namespace Descent.Checkpoints;

/// <summary>
/// A checkpoint (or other safetensors file) cannot be used: it is truncated, corrupt (its checksum does not match),
/// not in the safetensors format, or holds values that make no sense.
/// </summary>
/// <remarks>
/// The message always starts with the file's path, then a colon and the problem, so one line tells the user which
/// file to look at and why. It derives from <see cref="IOException"/>, like the data loaders'
/// <see cref="Data.DataFormatException"/>.
/// </remarks>
public class CheckpointFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>, describing <paramref name="problem"/>.</summary>
    /// <param name="filePath">The file that cannot be used.</param>
    /// <param name="problem">What is wrong, phrased to follow "path: ".</param>
    /// <param name="innerException">The underlying error, if any (such as the JSON parser's).</param>
    public CheckpointFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
        Problem = problem;
    }

    /// <summary>The path of the file.</summary>
    public string FilePath { get; }

    /// <summary>What is wrong with it, without the path.</summary>
    public string Problem { get; }
}
