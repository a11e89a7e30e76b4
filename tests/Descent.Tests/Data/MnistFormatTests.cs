using Descent.Data;
using static Descent.Tests.Data.IdxTestFiles;

namespace Descent.Tests.Data;

public sealed class MnistFormatTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData(DataSplit.Train, false)]
    [InlineData(DataSplit.Test, true)]
    public void LoadsPixelsAsUnitFloatsAndLabels(DataSplit split, bool gzip)
    {
        byte[] pixels = [0, 255, 1, 128, 254, 3, 10, 20, 30, 40, 50, 60];
        WriteSplit(_dir, split, pixels, [7, 2], 2, 3, gzip);

        Dataset data = MnistFormat.Load(_dir.Path, split);

        Assert.Equal(2, data.Count);
        Assert.Equal(6, data.FeatureSize);
        Assert.Equal([1, 2, 3], data.SampleShape!);
        Assert.Equal(MnistFormat.StandardClassCount, data.ClassCount);
        Assert.Equal([7, 2], data.Labels);
        for (int i = 0; i < pixels.Length; i++) Assert.Equal(pixels[i] / 255f, data.Features[i]);
        Assert.Equal(0f, data.Features[0]);
        Assert.Equal(1f, data.Features[1]);
    }

    [Fact]
    public void ClassCountGrowsBeyondTenWhenALabelRequiresIt()
    {
        WriteSplit(_dir, DataSplit.Train, Bytes(3, 1), [0, 12, 4], 1, 1, gzip: false);
        Assert.Equal(13, MnistFormat.Load(_dir.Path, DataSplit.Train).ClassCount);
    }

    [Fact]
    public void CountMismatchNamesBothFiles()
    {
        (string images, _) = WriteSplit(_dir, DataSplit.Train, Bytes(3 * 4, 1), [1, 2, 3], 2, 2, gzip: true);
        string labels = _dir.Write(MnistFormat.LabelsFileName(DataSplit.Train) + ".gz", Gzip(Idx([1, 2], 2)));

        var e = Assert.Throws<DataFormatException>(() => MnistFormat.Load(_dir.Path, DataSplit.Train));
        Assert.StartsWith(images, e.Message);
        Assert.Contains(labels, e.Message);
        Assert.Contains("3 images", e.Message);
        Assert.Contains("2 labels", e.Message);
    }

    [Fact]
    public void MissingLabelFileIsFileNotFound()
    {
        _dir.Write(MnistFormat.ImagesFileName(DataSplit.Test), Idx(Bytes(4, 1), 1, 2, 2));
        var e = Assert.Throws<FileNotFoundException>(() => MnistFormat.Load(_dir.Path, DataSplit.Test));
        Assert.Contains("t10k-labels-idx1-ubyte", e.Message);
        Assert.Contains(".gz", e.Message);
    }

    [Fact]
    public void MissingDirectoryIsDirectoryNotFound()
    {
        string missing = Path.Combine(_dir.Path, "absent");
        var e = Assert.Throws<DirectoryNotFoundException>(() => MnistFormat.Load(missing, DataSplit.Train));
        Assert.Contains(missing, e.Message);
    }

    [Fact]
    public void ImagesMustBeThreeDimensional()
    {
        string images = _dir.Write(MnistFormat.ImagesFileName(DataSplit.Train), Idx(Bytes(4, 1), 4));
        _dir.Write(MnistFormat.LabelsFileName(DataSplit.Train), Idx([1, 2, 3, 4], 4));
        var e = Assert.Throws<DataFormatException>(() => MnistFormat.Load(_dir.Path, DataSplit.Train));
        Assert.Equal(images, e.FilePath);
        Assert.Contains("3 dimensions", e.Message);
    }

    [Fact]
    public void LabelsMustBeOneDimensional()
    {
        _dir.Write(MnistFormat.ImagesFileName(DataSplit.Train), Idx(Bytes(4, 1), 4, 1, 1));
        string labels = _dir.Write(MnistFormat.LabelsFileName(DataSplit.Train), Idx([1, 2, 3, 4], 4, 1));
        var e = Assert.Throws<DataFormatException>(() => MnistFormat.Load(_dir.Path, DataSplit.Train));
        Assert.Equal(labels, e.FilePath);
        Assert.Contains("1 dimension", e.Message);
    }

    [Fact]
    public void PrefersTheRawFileWhenBothExist()
    {
        WriteSplit(_dir, DataSplit.Train, [255], [1], 1, 1, gzip: false);
        WriteSplit(_dir, DataSplit.Train, [0], [2], 1, 1, gzip: true);
        Dataset data = MnistFormat.Load(_dir.Path, DataSplit.Train);
        Assert.Equal([1], data.Labels);
        Assert.Equal(1f, data.Features[0]);
    }

    [Fact]
    public void MissingFilesListsWhatIsAbsent()
    {
        WriteSplit(_dir, DataSplit.Train, [1], [1], 1, 1, gzip: true);
        Assert.Equal(["t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"], MnistFormat.MissingFiles(_dir.Path));
    }
}
