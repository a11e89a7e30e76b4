namespace Descent.Data;

/// <summary>
/// No directory holding the dataset files was found, or the directory named explicitly does not hold them.
/// The message says where it looked and how to obtain the data.
/// </summary>
public class DatasetNotFoundException : IOException
{
    /// <summary>Creates the exception with a complete, user-facing <paramref name="message"/>.</summary>
    /// <param name="message">What was looked for, where, and how to get it.</param>
    /// <param name="searchedDirectories">The directories that were examined, in order.</param>
    public DatasetNotFoundException(string message, IReadOnlyList<string> searchedDirectories)
        : base(message)
    {
        SearchedDirectories = searchedDirectories;
    }

    /// <summary>The directories that were examined, in the order they were tried.</summary>
    public IReadOnlyList<string> SearchedDirectories { get; }
}
