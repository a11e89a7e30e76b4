using Descent.Cli;
using Descent.Data;

namespace Descent.Tests.Data;

public sealed class DatasetLocatorTests : IDisposable
{
    private readonly TempDirectory _root = new();

    public void Dispose() => _root.Dispose();

    private string Sub(string name) => Path.Combine(_root.Path, name);

    [Fact]
    public void ReturnsTheFirstCandidateHoldingAllFourFiles()
    {
        using var partial = new TempDirectory();
        IdxTestFiles.WriteSplit(partial, DataSplit.Train, [1], [1], 1, 1, gzip: true);
        using var full = new TempDirectory();
        IdxTestFiles.WriteTinyMnist(full);

        var locator = new DatasetLocator([Sub("absent"), partial.Path, full.Path]);
        Assert.Equal(full.Path, locator.Locate());
    }

    [Fact]
    public void NotFoundExplainsHowToGetTheData()
    {
        var locator = new DatasetLocator([Sub("a"), Sub("b")]);
        var e = Assert.Throws<DatasetNotFoundException>(() => locator.Locate());
        Assert.Equal($"Fashion-MNIST was not found. Looked in: {Sub("a")}, {Sub("b")}.", e.Message);
        Assert.Equal([Sub("a"), Sub("b")], e.SearchedDirectories);
        Assert.Same(DatasetLayout.FashionMnist, e.Layout);
        Assert.Null(e.NamedDirectory);

        string worded = DatasetHelp.Message(e);
        Assert.StartsWith(e.Message, worded);
        Assert.Contains("sudo apt-get install dataset-fashion-mnist", worded);
        Assert.Contains("--data DIR", worded);
        Assert.Contains(Path.Combine(".descent", "data", "fashion-mnist"), worded);
        Assert.Contains("train-images-idx3-ubyte.gz", worded);
    }

    [Fact]
    public void TheCoreMessageLeavesTheCommandLineToTheCommand()
    {
        var e = Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator([Sub("a")]).Locate());
        Assert.DoesNotContain("--data", e.Message);
        Assert.DoesNotContain("apt-get", e.Message);
    }

    [Fact]
    public void ExplicitDirectoryMissingFilesIsAnErrorWithoutFallback()
    {
        using var full = new TempDirectory();
        IdxTestFiles.WriteTinyMnist(full);
        using var partial = new TempDirectory();
        IdxTestFiles.WriteSplit(partial, DataSplit.Test, [1], [1], 1, 1, gzip: false);

        var locator = new DatasetLocator([full.Path]);
        var e = Assert.Throws<DatasetNotFoundException>(() => locator.Locate(partial.Path));
        Assert.Contains(partial.Path, e.Message);
        Assert.Contains("train-images-idx3-ubyte, train-labels-idx1-ubyte", e.Message);
        Assert.DoesNotContain("t10k-images-idx3-ubyte,", e.Message);
        Assert.Equal(partial.Path, e.NamedDirectory);
        Assert.Equal(["train-images-idx3-ubyte", "train-labels-idx1-ubyte"], e.MissingFiles);
    }

    [Fact]
    public void ExplicitDirectoryThatDoesNotExist()
    {
        var e = Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator([]).Locate(Sub("nowhere")));
        Assert.Contains(Sub("nowhere"), e.Message);
        Assert.Contains("does not exist", e.Message);
    }

    [Fact]
    public void ExplicitDirectoryHoldingTheFilesIsReturned()
    {
        IdxTestFiles.WriteTinyMnist(_root, gzip: false);
        Assert.Equal(_root.Path, new DatasetLocator([]).Locate(_root.Path));
        Dataset train = MnistFormat.Load(_root.Path, DataSplit.Train);
        Assert.Equal(4, train.Count);
    }

    [Fact]
    public void DefaultCandidatesStartWithTheDebianDirectory()
    {
        IReadOnlyList<string> candidates = new DatasetLocator().Candidates;
        Assert.Equal("/usr/share/datasets/fashion-mnist", candidates[0]);
        Assert.Equal(DatasetLocator.SystemDirectory, candidates[0]);
        Assert.EndsWith(Path.Combine(".descent", "data", "fashion-mnist"), candidates[1]);
        Assert.EndsWith(Path.Combine(".descent", "data"), candidates[2]);
    }
}
