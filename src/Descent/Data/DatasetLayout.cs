namespace Descent.Data;

/// <summary>
/// What a dataset's directory holds and where it is usually installed: the facts a <see cref="DatasetLocator"/>
/// needs to find it. <see cref="FashionMnist"/>, <see cref="Mnist"/> and <see cref="Cifar10"/> are the layouts the
/// lab's problems use; another dataset is one more instance.
/// </summary>
public sealed record DatasetLayout
{
    /// <summary>The dataset's name in messages: "Fashion-MNIST".</summary>
    public required string Name { get; init; }

    /// <summary>The files that must all be present, by base name.</summary>
    public required IReadOnlyList<string> FileNames { get; init; }

    /// <summary>The files of <see cref="FileNames"/> that a directory lacks (none when it holds the dataset).</summary>
    public required Func<string, IReadOnlyList<string>> MissingFiles { get; init; }

    /// <summary>The directories searched when none is named, in order.</summary>
    public required IReadOnlyList<string> DefaultDirectories { get; init; }

    /// <summary>
    /// A subdirectory that may hold the files instead of the directory itself (an archive's top folder, such as
    /// <c>cifar-10-batches-bin</c>), or null.
    /// </summary>
    public string? Subdirectory { get; init; }

    /// <summary>A note after the list of missing files, such as " (each may be raw or end in .gz)"; empty by default.</summary>
    public string MissingFilesNote { get; init; } = "";

    /// <summary>The per-user data root, <c>~/.descent/data</c>.</summary>
    public static string UserDataRoot =>
        Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".descent", "data");

    /// <summary>
    /// Fashion-MNIST's four IDX files (raw or gzip): <c>/usr/share/datasets/fashion-mnist</c> (the Debian package
    /// <c>dataset-fashion-mnist</c>), then <c>~/.descent/data/fashion-mnist</c>, then <c>~/.descent/data</c>.
    /// </summary>
    public static DatasetLayout FashionMnist { get; } = MnistFormatLayout("Fashion-MNIST", "fashion-mnist", alsoRoot: true);

    /// <summary>MNIST's four IDX files (the handwritten digits): <c>/usr/share/datasets/mnist</c>, then <c>~/.descent/data/mnist</c>.</summary>
    public static DatasetLayout Mnist { get; } = MnistFormatLayout("MNIST", "mnist", alsoRoot: false);

    /// <summary>
    /// CIFAR-10's six binary files, in a directory or its <c>cifar-10-batches-bin</c> subdirectory:
    /// <c>/usr/share/datasets/cifar10</c>, then <c>~/.descent/data/cifar10</c>, then <c>~/.descent/data</c>.
    /// </summary>
    public static DatasetLayout Cifar10 { get; } = new()
    {
        Name = "CIFAR-10",
        FileNames = Cifar10Format.FileNames,
        MissingFiles = Cifar10Format.MissingFiles,
        DefaultDirectories = ["/usr/share/datasets/cifar10", Path.Combine(UserDataRoot, "cifar10"), UserDataRoot],
        Subdirectory = Cifar10Format.DirectoryName,
    };

    /// <summary>The per-user directory of the defaults (<c>~/.descent/data/NAME</c>), where the files can be put by hand.</summary>
    public string UserDirectory => DefaultDirectories[1];

    /// <summary>The full path of <paramref name="directory"/>, or of its <see cref="Subdirectory"/>, if it holds every file; else null.</summary>
    public string? Resolve(string directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        if (MissingFiles(directory).Count == 0) return Path.GetFullPath(directory);
        if (Subdirectory is null) return null;
        string nested = Path.Combine(directory, Subdirectory);
        return MissingFiles(nested).Count == 0 ? Path.GetFullPath(nested) : null;
    }

    private static DatasetLayout MnistFormatLayout(string name, string folder, bool alsoRoot) => new()
    {
        Name = name,
        FileNames = MnistFormat.FileNames,
        MissingFiles = MnistFormat.MissingFiles,
        DefaultDirectories = alsoRoot
            ? [$"/usr/share/datasets/{folder}", Path.Combine(UserDataRoot, folder), UserDataRoot]
            : [$"/usr/share/datasets/{folder}", Path.Combine(UserDataRoot, folder)],
        MissingFilesNote = " (each may be raw or end in .gz)",
    };
}
