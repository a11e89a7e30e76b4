using System.Text.RegularExpressions;

namespace Descent.Lab.Tuning;

/// <summary>
/// Study store URLs: <c>sqlite:///path/study.db</c> (a relative path after the third slash, an absolute one after a
/// fourth: <c>sqlite:////tmp/s.db</c>) and <c>postgresql://user:password@host:port/db</c> (also <c>postgres://</c>).
/// </summary>
public static partial class StorageUrl
{
    /// <summary>The default store of study <paramref name="name"/>: runs/NAME/study.db.</summary>
    public static string Default(string runsDirectory, string name) => "sqlite:///" + Path.Combine(runsDirectory, name, "study.db");

    /// <summary>
    /// Opens the store at <paramref name="url"/>, creating the schema as needed and, with <paramref name="create"/>,
    /// an SQLite file that does not exist yet (without it, a missing file is an error: a mistyped path must not make
    /// an empty store).
    /// </summary>
    /// <exception cref="ArgumentException">The URL is not one of the two forms.</exception>
    /// <exception cref="StudyStorageException">The store cannot be reached, has another schema version, or (without
    /// <paramref name="create"/>) its SQLite file does not exist.</exception>
    public static IStudyStorage Open(string url, bool create = true)
    {
        ArgumentException.ThrowIfNullOrEmpty(url);
        if (url.StartsWith("sqlite:///", StringComparison.Ordinal))
        {
            string path = url["sqlite:///".Length..];
            if (path.Length == 0) throw new ArgumentException($"the storage URL '{url}' names no file");
            return new SqliteStudyStorage(path, url, create);
        }
        if (url.StartsWith("postgresql://", StringComparison.Ordinal) || url.StartsWith("postgres://", StringComparison.Ordinal))
            return new PostgresStudyStorage(url);
        throw new ArgumentException($"unknown storage URL '{Mask(url)}': use sqlite:///PATH or postgresql://USER:PASSWORD@HOST:PORT/DB");
    }

    /// <summary>The URL with the password replaced by ***.</summary>
    public static string Mask(string url) => Password().Replace(url, "$1***@");

    [GeneratedRegex(@"^([a-z]+://[^:/@]*:).*@", RegexOptions.IgnoreCase)]
    private static partial Regex Password();
}
