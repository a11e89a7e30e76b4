using Descent.Data;

namespace Descent.Cli;

/// <summary>
/// How to get a dataset, in the command line's terms (its <c>--data</c> option, the Debian package, the download
/// pages): added to the message of a <see cref="DatasetNotFoundException"/> when the <c>descent</c> command reports it.
/// </summary>
internal static class DatasetHelp
{
    /// <summary>The Debian command that installs Fashion-MNIST.</summary>
    public const string AptInstallCommand = "sudo apt-get install dataset-fashion-mnist";

    /// <summary>The Fashion-MNIST project page, from which the four files can be downloaded.</summary>
    public const string FashionMnistUrl = "https://github.com/zalandoresearch/fashion-mnist";

    /// <summary>The page CIFAR-10's binary version can be downloaded from.</summary>
    public const string Cifar10Url = "https://www.cs.toronto.edu/~kriz/cifar.html";

    /// <summary>The archive of CIFAR-10's binary version.</summary>
    public const string Cifar10Archive = "cifar-10-binary.tar.gz";

    /// <summary>The exception's message followed by how to get the dataset.</summary>
    public static string Message(DatasetNotFoundException e) =>
        e.Layout is { } layout ? e.Message + Environment.NewLine + HowToGet(layout) : e.Message;

    /// <summary>How to obtain the dataset of <paramref name="layout"/>, one step a line.</summary>
    public static string HowToGet(DatasetLayout layout)
    {
        string nl = Environment.NewLine;
        string gzFiles = string.Join(", ", layout.FileNames.Select(n => n + ".gz"));
        if (layout == DatasetLayout.FashionMnist)
            return $"To get the dataset, do one of:{nl}" +
                $"  - on Debian or Ubuntu: {AptInstallCommand}{nl}" +
                $"  - download {gzFiles} from the Fashion-MNIST project ({FashionMnistUrl}) into {layout.UserDirectory}{nl}" +
                "  - pass --data DIR naming a directory that holds those four files.";
        if (layout == DatasetLayout.Mnist)
            return $"MNIST (the handwritten digits) is not installed with Fashion-MNIST and is not downloaded automatically. To use it:{nl}" +
                $"  - get the four IDX files {gzFiles} (the original MNIST distribution){nl}" +
                $"  - put them in {layout.UserDirectory}, or pass --data DIR naming the directory that holds them.";
        if (layout == DatasetLayout.Cifar10)
            return $"CIFAR-10 cannot be downloaded automatically. To get it:{nl}" +
                $"  1. download the binary version, {Cifar10Archive} (\"CIFAR-10 binary version (suitable for C programs)\"), from {Cifar10Url}{nl}" +
                $"  2. extract it, for example: mkdir -p {layout.UserDirectory} && tar -xzf {Cifar10Archive} -C {layout.UserDirectory}{nl}" +
                $"     (this creates {Path.Combine(layout.UserDirectory, Cifar10Format.DirectoryName)} with {string.Join(", ", layout.FileNames)}){nl}" +
                $"  3. pass --data DIR naming that directory (or the one it was extracted into); {layout.UserDirectory} is also searched by default.";
        return $"Pass --data DIR naming a directory that holds {string.Join(", ", layout.FileNames)}.";
    }
}
