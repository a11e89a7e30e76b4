using Descent.Cli;
using Descent.Data;
using Descent.Tests.Cli;

namespace Descent.Tests.Failure;

/// <summary>Issue 17 (6): dataset contents are checked at load time, naming the file, the record and the expected value.</summary>
public sealed class DatasetValidationTests
{
    [Fact]
    public void ALabelOutOfRangeFailsAtLoadNamingTheFileAndRecord()
    {
        using var data = new SyntheticMnist(trainCount: 100, testCount: 20, gzip: false);
        var labels = new byte[100];
        for (int i = 0; i < labels.Length; i++) labels[i] = (byte)(i % 4);
        labels[37] = 200;
        SyntheticMnist.WriteIdx(data.PathOf("train-labels-idx1-ubyte"), [100], labels, gzip: false);

        var e = Assert.Throws<DataFormatException>(() => MnistFormat.Load(data.Directory, DataSplit.Train, classCount: 10));
        Assert.EndsWith("train-labels-idx1-ubyte", e.FilePath);
        Assert.Contains("record 37 has label 200; expected a label from 0 to 9", e.Message);

        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.1", "--epochs", "1", "--no-progress", "--threads", "1");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("train-labels-idx1-ubyte: record 37 has label 200", r.Error);
        Assert.DoesNotContain("train_loss", r.Output);
    }

    [Fact]
    public void TestImagesOfAnotherShapeFailAtLoadNamingTheExpectedShape()
    {
        using var data = new SyntheticMnist(trainCount: 100, testCount: 20, gzip: false);
        SyntheticMnist.WriteIdx(data.PathOf("t10k-images-idx3-ubyte"), [20, 14, 14], new byte[20 * 14 * 14], gzip: false);

        var e = Assert.Throws<DataFormatException>(() => MnistFormat.LoadTrainAndTest(data.Directory, 10));
        Assert.EndsWith("t10k-images-idx3-ubyte", e.FilePath);
        Assert.Contains("record 0 is a 14×14 image; expected 28×28", e.Message);

        var r = CliRunner.Run("train", "--data", data.Directory, "--lr", "0.1", "--epochs", "1", "--no-progress", "--threads", "1");
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("t10k-images-idx3-ubyte", r.Error);
    }

    [Fact]
    public void WithoutAClassCountTheLibraryStillGrowsTheClassCount()
    {
        using var data = new SyntheticMnist(trainCount: 40, testCount: 20, gzip: false);
        var labels = new byte[40];
        labels[3] = 12;
        SyntheticMnist.WriteIdx(data.PathOf("train-labels-idx1-ubyte"), [40], labels, gzip: false);
        Assert.Equal(13, MnistFormat.Load(data.Directory, DataSplit.Train).ClassCount);
    }
}
