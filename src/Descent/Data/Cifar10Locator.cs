namespace Descent.Data;

/// <summary>
/// Finds the directory holding the six CIFAR-10 binary files for the command line. CIFAR-10 is not packaged
/// for Debian and is not downloaded automatically: the message of a failed search says how to get it.
/// </summary>
/// <remarks>
/// A directory counts if it holds all six files (<see cref="Cifar10Format.FileNames"/>), or if its subdirectory
/// <c>cifar-10-batches-bin</c> does (so both the extracted directory and the one it was extracted into work). A
/// directory given explicitly (<c>--data DIR</c>) must hold them; there is no fallback from it. Otherwise the
/// candidates are tried in order: <c>/usr/share/datasets/cifar10</c>, <c>~/.descent/data/cifar10</c>,
/// <c>~/.descent/data</c>.
/// </remarks>
public sealed class Cifar10Locator
{
    /// <summary>The page the binary version can be downloaded from.</summary>
    public const string ProjectUrl = "https://www.cs.toronto.edu/~kriz/cifar.html";

    /// <summary>The archive of the binary version.</summary>
    public const string ArchiveName = "cifar-10-binary.tar.gz";

    /// <summary>A system-wide location that is searched.</summary>
    public const string SystemDirectory = "/usr/share/datasets/cifar10";

    private readonly string[] _candidates;

    /// <summary>Creates a locator searching the default directories.</summary>
    public Cifar10Locator() : this(DefaultCandidates())
    {
    }

    /// <summary>Creates a locator searching <paramref name="candidates"/> in order.</summary>
    public Cifar10Locator(IEnumerable<string> candidates)
    {
        ArgumentNullException.ThrowIfNull(candidates);
        _candidates = [.. candidates];
    }

    /// <summary>The directories searched when none is given, in order.</summary>
    public IReadOnlyList<string> Candidates => _candidates;

    /// <summary>The per-user directory to extract the archive into: <c>~/.descent/data/cifar10</c>.</summary>
    public static string UserDirectory => Path.Combine(UserDataRoot, "cifar10");

    private static string UserDataRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".descent", "data");

    /// <summary>The default search list.</summary>
    public static IReadOnlyList<string> DefaultCandidates() => [SystemDirectory, UserDirectory, UserDataRoot];

    /// <summary>Returns the full path of the directory that holds the six files.</summary>
    /// <param name="dataDirectory">The directory the user named (<c>--data DIR</c>), or null to search the candidates.</param>
    /// <exception cref="DatasetNotFoundException">The named directory does not exist or lacks files, or no
    /// candidate holds the dataset; the message says how to get it.</exception>
    public string Locate(string? dataDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(dataDirectory))
            return LocateExplicit(Path.GetFullPath(dataDirectory));

        foreach (string candidate in _candidates)
        {
            if (Resolve(candidate) is string found) return found;
        }
        string searched = _candidates.Length == 0 ? "(no directories)" : string.Join(", ", _candidates);
        throw new DatasetNotFoundException(
            $"CIFAR-10 was not found. Looked in: {searched} (and their {Cifar10Format.DirectoryName} subdirectories).{Environment.NewLine}{HowToGet()}",
            _candidates);
    }

    /// <summary>The directory among <paramref name="directory"/> and its <c>cifar-10-batches-bin</c> that holds all six files, or null.</summary>
    public static string? Resolve(string directory)
    {
        if (Cifar10Format.MissingFiles(directory).Count == 0) return Path.GetFullPath(directory);
        string nested = Path.Combine(directory, Cifar10Format.DirectoryName);
        return Cifar10Format.MissingFiles(nested).Count == 0 ? Path.GetFullPath(nested) : null;
    }

    private static string LocateExplicit(string directory)
    {
        if (!Directory.Exists(directory))
            throw new DatasetNotFoundException(
                $"The data directory {directory} does not exist.{Environment.NewLine}{HowToGet()}", [directory]);
        if (Resolve(directory) is string found) return found;
        IReadOnlyList<string> missing = Cifar10Format.MissingFiles(directory);
        throw new DatasetNotFoundException(
            $"The data directory {directory} does not hold CIFAR-10: it (or its {Cifar10Format.DirectoryName} subdirectory) is missing {string.Join(", ", missing)}.{Environment.NewLine}{HowToGet()}",
            [directory]);
    }

    /// <summary>How to obtain the dataset, for error messages.</summary>
    public static string HowToGet()
    {
        string nl = Environment.NewLine;
        return $"CIFAR-10 cannot be downloaded automatically. To get it:{nl}" +
            $"  1. download the binary version, {ArchiveName} (\"CIFAR-10 binary version (suitable for C programs)\"), from {ProjectUrl}{nl}" +
            $"  2. extract it, for example: mkdir -p {UserDirectory} && tar -xzf {ArchiveName} -C {UserDirectory}{nl}" +
            $"     (this creates {Path.Combine(UserDirectory, Cifar10Format.DirectoryName)} with {string.Join(", ", Cifar10Format.FileNames)}){nl}" +
            $"  3. pass --data DIR naming that directory (or the one it was extracted into); {UserDirectory} is also searched by default.";
    }
}
