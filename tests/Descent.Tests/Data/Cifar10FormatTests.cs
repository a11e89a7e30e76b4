using Descent.Cli;
using Descent.Data;

namespace Descent.Tests.Data;

public class Cifar10FormatTests
{
    /// <summary>Records in the CIFAR-10 binary layout: label byte, then 1024 red, 1024 green, 1024 blue bytes.</summary>
    private static byte[] Records(int count, int seed, Func<int, int>? label = null)
    {
        var bytes = new byte[count * Cifar10Format.RecordSize];
        for (int r = 0; r < count; r++)
        {
            int at = r * Cifar10Format.RecordSize;
            bytes[at] = (byte)(label?.Invoke(r) ?? (r + seed) % 10);
            for (int i = 0; i < Cifar10Format.PixelBytes; i++) bytes[at + 1 + i] = (byte)((i * 7 + r * 13 + seed) % 256);
        }
        return bytes;
    }

    private static TempDirectory WriteAll(int perFile = 3)
    {
        var dir = new TempDirectory();
        for (int f = 0; f < 5; f++) dir.Write(Cifar10Format.TrainFileNames[f], Records(perFile, seed: f));
        dir.Write(Cifar10Format.TestFileName, Records(2, seed: 9));
        return dir;
    }

    [Fact]
    public void LoadsTheFiveTrainingBatchesInOrderAndTheTestBatch()
    {
        using var dir = WriteAll();
        var train = Cifar10Format.Load(dir.Path, DataSplit.Train);
        Assert.Equal(15, train.Count);
        Assert.Equal(3072, train.FeatureSize);
        Assert.Equal(10, train.ClassCount);
        Assert.Equal([3, 32, 32], train.SampleShape!);
        // Sample 4 is record 1 of data_batch_2 (seed 1): label (1 + 1) % 10, pixel i = (7i + 13 + 1) % 256.
        Assert.Equal(2, train.Labels[4]);
        var sample = train.GetFeatures(4);
        Assert.Equal(14 / 255f, sample[0]);
        Assert.Equal((7 * 1024 + 14) % 256 / 255f, sample[1024]); // first green pixel
        Assert.Equal((7 * 3071 + 14) % 256 / 255f, sample[3071]); // last blue pixel
        var test = Cifar10Format.Load(dir.Path, DataSplit.Test);
        Assert.Equal(2, test.Count);
        Assert.Equal([9, 0], test.Labels);
    }

    [Fact]
    public void ATruncatedFileIsAFormatError()
    {
        using var dir = new TempDirectory();
        var bytes = Records(2, 0);
        string path = dir.Write("data.bin", bytes[..^100]);
        var e = Assert.Throws<DataFormatException>(() => Cifar10Format.ReadFile(path));
        Assert.StartsWith(path, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("3073", e.Message);
    }

    [Fact]
    public void WrongSizesAreFormatErrors()
    {
        using var dir = new TempDirectory();
        var empty = Assert.Throws<DataFormatException>(() => Cifar10Format.ReadFile(dir.Write("empty.bin", [])));
        Assert.Contains("empty", empty.Message);
        var tiny = Assert.Throws<DataFormatException>(() => Cifar10Format.ReadFile(dir.Write("tiny.bin", new byte[10])));
        Assert.Contains("wrong size", tiny.Message);
        var cifar100 = Assert.Throws<DataFormatException>(() => Cifar10Format.ReadFile(dir.Write("c100.bin", new byte[3 * 3074])));
        Assert.Contains("CIFAR-100", cifar100.Message);
        var trailing = Assert.Throws<DataFormatException>(() => Cifar10Format.ReadFile(dir.Write("trailing.bin", [.. Records(1, 0), 1, 2, 3])));
        Assert.Contains("1 whole records and 3 extra bytes", trailing.Message);
    }

    [Fact]
    public void ALabelAboveNineIsAFormatError()
    {
        using var dir = new TempDirectory();
        string path = dir.Write("bad.bin", Records(3, 0, label: r => r == 2 ? 10 : 1));
        var e = Assert.Throws<DataFormatException>(() => Cifar10Format.ReadFile(path));
        Assert.Contains("bad label 10 in record 2", e.Message);
    }

    [Fact]
    public void AMissingFileIsReported()
    {
        using var dir = WriteAll();
        File.Delete(Path.Combine(dir.Path, "data_batch_3.bin"));
        var e = Assert.Throws<FileNotFoundException>(() => Cifar10Format.Load(dir.Path, DataSplit.Train));
        Assert.Contains("data_batch_3.bin", e.Message);
        Assert.Equal(["data_batch_3.bin"], Cifar10Format.MissingFiles(dir.Path));
        var located = Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator(DatasetLayout.Cifar10).Locate(dir.Path));
        Assert.Contains("data_batch_3.bin", located.Message);
        Assert.Contains(DatasetHelp.Cifar10Url, DatasetHelp.Message(located));
    }

    [Fact]
    public void TheLocatorAcceptsTheExtractedDirectoryOrItsParent()
    {
        using var parent = new TempDirectory();
        for (int f = 0; f < 5; f++) parent.Write(Path.Combine(Cifar10Format.DirectoryName, Cifar10Format.TrainFileNames[f]), Records(1, f));
        parent.Write(Path.Combine(Cifar10Format.DirectoryName, Cifar10Format.TestFileName), Records(1, 5));
        string inner = Path.Combine(parent.Path, Cifar10Format.DirectoryName);
        Assert.Equal(inner, new DatasetLocator(DatasetLayout.Cifar10).Locate(parent.Path));
        Assert.Equal(inner, new DatasetLocator(DatasetLayout.Cifar10).Locate(inner));
        Assert.Equal(inner, new DatasetLocator(DatasetLayout.Cifar10, [Path.Combine(parent.Path, "nothing"), parent.Path]).Locate());
        var none = Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator(DatasetLayout.Cifar10, [Path.Combine(parent.Path, "nothing")]).Locate());
        Assert.Contains("cifar-10-batches-bin subdirectories", none.Message);
        Assert.Contains("cifar-10-binary.tar.gz", DatasetHelp.Message(none));
        Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator(DatasetLayout.Cifar10).Locate(Path.Combine(parent.Path, "absent")));
    }

    [Fact]
    public void ChannelStandardizerZScoresEachChannelWithTrainingStatistics()
    {
        using var dir = WriteAll(perFile: 2);
        var train = Cifar10Format.Load(dir.Path, DataSplit.Train);
        var test = Cifar10Format.Load(dir.Path, DataSplit.Test);
        var expectedMean = new double[3];
        var expectedStd = new double[3];
        for (int c = 0; c < 3; c++)
        {
            var values = Enumerable.Range(0, train.Count).SelectMany(i => train.GetFeatures(i).Slice(c * 1024, 1024).ToArray()).Select(v => (double)v).ToArray();
            expectedMean[c] = values.Average();
            expectedStd[c] = Math.Sqrt(values.Sum(v => (v - expectedMean[c]) * (v - expectedMean[c])) / (values.Length - 1));
        }
        float before = test.GetFeatures(1)[2048 + 5];
        var standardizer = ChannelStandardizer.Fit(train);
        for (int c = 0; c < 3; c++)
        {
            Assert.Equal(expectedMean[c], standardizer.Mean[c], 1e-6);
            Assert.Equal(expectedStd[c], standardizer.Std[c], 1e-6);
        }
        standardizer.Apply(train);
        standardizer.Apply(test);
        Assert.Equal((before - standardizer.Mean[2]) / standardizer.Std[2], test.GetFeatures(1)[2048 + 5], 1e-6f);
        var channel0 = Enumerable.Range(0, train.Count).SelectMany(i => train.GetFeatures(i)[..1024].ToArray()).ToArray();
        Assert.Equal(0, channel0.Average(v => (double)v), 1e-5);
        Assert.Throws<ArgumentException>(() => ChannelStandardizer.Fit(new Dataset(new float[4], [0, 1], 2, 2)));
        Assert.Throws<ArgumentException>(() => standardizer.Apply(new Dataset(new float[8], [0, 1], 4, 2, [2, 2])));
    }
}
