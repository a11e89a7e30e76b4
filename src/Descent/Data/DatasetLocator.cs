namespace Descent.Data;

/// <summary>
/// Finds the directory holding the four MNIST-format files (Fashion-MNIST by default) for the command line.
/// </summary>
/// <remarks>
/// A directory given explicitly (<c>--data DIR</c>) must hold the files; there is no fallback from it. Otherwise
/// the candidates are tried in order; by default <see cref="SystemDirectory"/> (the Debian package
/// <c>dataset-fashion-mnist</c>), then <c>~/.descent/data/fashion-mnist</c>, then <c>~/.descent/data</c>.
/// A candidate counts only if it holds all four files (each raw or gzip-compressed).
/// </remarks>
public sealed class DatasetLocator
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs the files.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    /// <summary>The Debian command that installs Fashion-MNIST.</summary>
    public const string AptInstallCommand = "sudo apt-get install dataset-fashion-mnist";

    /// <summary>The Fashion-MNIST project page, from which the four files can be downloaded.</summary>
    public const string ProjectUrl = "https://github.com/zalandoresearch/fashion-mnist";

    private readonly string[] _candidates;

    /// <summary>Creates a locator searching the default directories.</summary>
    public DatasetLocator() : this(DefaultCandidates())
    {
    }

    /// <summary>Creates a locator searching <paramref name="candidates"/> in order (for tests or other datasets).</summary>
    public DatasetLocator(IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        _candidates = [.. candidates];
    }

    /// <summary>The directories searched when none is given, in order.</summary>
    public IReadOnlyList<string> Candidates => _candidates;

    /// <summary>The per-user directory the files can be downloaded into: <c>~/.descent/data/fashion-mnist</c>.</summary>
    public static string UserDirectory => Path.Combine(UserDataRoot, "fashion-mnist");

    private static string UserDataRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".descent", "data");

    /// <summary>The default search list: the system directory, <c>~/.descent/data/fashion-mnist</c>, <c>~/.descent/data</c>.</summary>
    public static IReadOnlyList<string> DefaultCandidates() => [SystemDirectory, UserDirectory, UserDataRoot];

    /// <summary>Returns the full path of the directory holding the dataset.</summary>
    /// <param name="dataDirectory">The directory the user named (<c>--data DIR</c>), or null to search the candidates.</param>
    /// <exception cref="DatasetNotFoundException">The named directory does not exist or lacks files, or no
    /// candidate holds the dataset; the message says how to get it.</exception>
    public string Locate(string? dataDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(dataDirectory))
            return LocateExplicit(Path.GetFullPath(dataDirectory));

        foreach (string candidate in _candidates)
        {
            if (MnistFormat.MissingFiles(candidate).Count == 0) return Path.GetFullPath(candidate);
        }
        string searched = _candidates.Length == 0 ? "(no directories)" : string.Join(", ", _candidates);
        throw new DatasetNotFoundException(
            $"Fashion-MNIST was not found. Looked in: {searched}.{Environment.NewLine}{HowToGet()}", _candidates);
    }

    private static string LocateExplicit(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DatasetNotFoundException(
                $"The data directory {directory} does not exist.{Environment.NewLine}{HowToGet()}", [directory]);
        IReadOnlyList<string> missing = MnistFormat.MissingFiles(directory);
        if (missing.Count > 0)
            throw new DatasetNotFoundException(
                $"The data directory {directory} is missing {string.Join(", ", missing)} (each may be raw or end in .gz).{Environment.NewLine}{HowToGet()}",
                [directory]);
        return directory;
    }

    private static string HowToGet()
    {
        string nl = Environment.NewLine;
        return $"To get the dataset, do one of:{nl}" +
            $"  - on Debian or Ubuntu: {AptInstallCommand}{nl}" +
            $"  - download {string.Join(", ", MnistFormat.FileNames.Select(n => n + ".gz"))} from the Fashion-MNIST project ({ProjectUrl}) into {UserDirectory}{nl}" +
            "  - pass --data DIR naming a directory that holds those four files.";
    }
}
