namespace Descent.Data;

/// <summary>
/// Finds the directory holding a dataset laid out as <see cref="Layout"/> says (Fashion-MNIST by default).
/// </summary>
/// <remarks>
/// A directory named explicitly must hold the files (itself or, when the layout has one, its subdirectory); there
/// is no fallback from it. Otherwise the candidates (by default the layout's <see cref="DatasetLayout.DefaultDirectories"/>)
/// are tried in order, and the first that holds every file is taken. A failure is a
/// <see cref="DatasetNotFoundException"/> saying what was looked for and where; how to get the data is for the
/// application to say (the <c>descent</c> command names its options and packages).
/// </remarks>
public sealed class DatasetLocator
{
    /// <summary>Where the Debian package <c>dataset-fashion-mnist</c> installs Fashion-MNIST: the first of its default directories.</summary>
    public const string SystemDirectory = "/usr/share/datasets/fashion-mnist";

    private readonly string[] _candidates;

    /// <summary>Creates a locator for Fashion-MNIST searching its default directories.</summary>
    public DatasetLocator() : this(DatasetLayout.FashionMnist)
    {
    }

    /// <summary>Creates a locator for Fashion-MNIST searching <paramref name="candidates"/> in order.</summary>
    public DatasetLocator(IEnumerable<string> candidates) : this(DatasetLayout.FashionMnist, candidates)
    {
    }

    /// <summary>Creates a locator for <paramref name="layout"/> searching <paramref name="candidates"/> (default: the layout's default directories).</summary>
    public DatasetLocator(DatasetLayout layout, IEnumerable<string>? candidates = null)
    {
        Layout = layout ?? throw new ArgumentNullException(nameof(layout));
        _candidates = [.. candidates ?? layout.DefaultDirectories];
    }

    /// <summary>The dataset looked for.</summary>
    public DatasetLayout Layout { get; }

    /// <summary>The directories searched when none is given, in order.</summary>
    public IReadOnlyList<string> Candidates => _candidates;

    /// <summary>Returns the full path of the directory holding the dataset.</summary>
    /// <param name="dataDirectory">The directory the user named, or null to search the candidates.</param>
    /// <exception cref="DatasetNotFoundException">The named directory does not exist or lacks files, or no candidate holds the dataset.</exception>
    public string Locate(string? dataDirectory = null)
    {
        if (!string.IsNullOrWhiteSpace(dataDirectory))
        {
            string directory = Path.GetFullPath(dataDirectory);
            if (!Directory.Exists(directory)) throw new DatasetNotFoundException(Layout, [directory], directory, []);
            return Layout.Resolve(directory)
                ?? throw new DatasetNotFoundException(Layout, [directory], directory, Layout.MissingFiles(directory));
        }
        foreach (string candidate in _candidates)
        {
            if (Layout.Resolve(candidate) is string found) return found;
        }
        throw new DatasetNotFoundException(Layout, _candidates, null, []);
    }
}
