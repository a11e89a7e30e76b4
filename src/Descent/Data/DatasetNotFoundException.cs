namespace Descent.Data;

/// <summary>
/// No directory holding the dataset files was found, or the directory named explicitly does not hold them. The
/// message says what was looked for and where; the properties say it to a program, which can add how to get the
/// data in its own terms (the <c>descent</c> command names its <c>--data</c> option and the Debian package).
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
        MissingFiles = [];
    }

    /// <summary>The dataset of <paramref name="layout"/> is not in <paramref name="namedDirectory"/> (lacking <paramref name="missingFiles"/>, or absent when none are listed), or in none of <paramref name="searchedDirectories"/> when no directory was named.</summary>
    public DatasetNotFoundException(DatasetLayout layout, IReadOnlyList<string> searchedDirectories, string? namedDirectory, IReadOnlyList<string> missingFiles)
        : base(Describe(layout, searchedDirectories, namedDirectory, missingFiles))
    {
        Layout = layout;
        SearchedDirectories = searchedDirectories;
        NamedDirectory = namedDirectory;
        MissingFiles = missingFiles;
    }

    /// <summary>The dataset looked for, when a <see cref="DatasetLocator"/> raised the exception.</summary>
    public DatasetLayout? Layout { get; }

    /// <summary>The directories that were examined, in the order they were tried.</summary>
    public IReadOnlyList<string> SearchedDirectories { get; }

    /// <summary>The directory named explicitly, or null when the defaults were searched.</summary>
    public string? NamedDirectory { get; }

    /// <summary>The files the named directory lacks; empty when it does not exist or none was named.</summary>
    public IReadOnlyList<string> MissingFiles { get; }

    private static string Describe(DatasetLayout layout, IReadOnlyList<string> searched, string? named, IReadOnlyList<string> missing)
    {
        ArgumentNullException.ThrowIfNull(layout);
        if (named is null)
        {
            string where = searched.Count == 0 ? "(no directories)" : string.Join(", ", searched);
            string nested = layout.Subdirectory is null ? "" : $" (and their {layout.Subdirectory} subdirectories)";
            return $"{layout.Name} was not found. Looked in: {where}{nested}.";
        }
        if (missing.Count == 0) return $"The data directory {named} does not exist.";
        string files = string.Join(", ", missing);
        return layout.Subdirectory is null
            ? $"The data directory {named} is missing {files}{layout.MissingFilesNote}."
            : $"The data directory {named} does not hold {layout.Name}: it (or its {layout.Subdirectory} subdirectory) is missing {files}{layout.MissingFilesNote}.";
    }
}
