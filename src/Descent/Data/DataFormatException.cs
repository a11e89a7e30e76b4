namespace Descent.Data;

/// <summary>
/// A data file exists but its contents are malformed: a bad IDX header, truncated or surplus data, a corrupt gzip
/// stream, or files of one dataset that disagree with each other.
/// </summary>
/// <remarks>
/// The message always starts with the offending file's path, followed by a colon and the problem.
/// <see cref="InvalidDataException"/> is sealed, so this derives from <see cref="IOException"/>; when the cause was
/// an <see cref="InvalidDataException"/> (a corrupt gzip stream) it is kept as the <see cref="Exception.InnerException"/>.
/// </remarks>
public class DataFormatException : IOException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>, describing <paramref name="problem"/>.</summary>
    /// <param name="filePath">The file whose contents are malformed.</param>
    /// <param name="problem">What is wrong, phrased to follow "path: ".</param>
    /// <param name="innerException">The underlying error, if any (for example the gzip decoder's).</param>
    public DataFormatException(string filePath, string problem, Exception? innerException = null)
        : base($"{filePath}: {problem}", innerException)
    {
        FilePath = filePath;
    }

    /// <summary>The path of the malformed file.</summary>
    public string FilePath { get; }
}
