using Descent.Data;

namespace Descent.Tests.Data;

public sealed class RealFashionMnistTests
{
    [Fact]
    public void LoadsTheInstalledFashionMnistIfPresent()
    {
        string directory = DatasetLocator.SystemDirectory;
        if (MnistFormat.MissingFiles(directory).Count > 0) return;  // not installed here: nothing to check

        Dataset train = MnistFormat.Load(directory, DataSplit.Train);
        Dataset test = MnistFormat.Load(directory, DataSplit.Test);

        Assert.Equal(60_000, train.Count);
        Assert.Equal(10_000, test.Count);
        foreach (Dataset data in new[] { train, test })
        {
            Assert.Equal(784, data.FeatureSize);
            Assert.Equal([1, 28, 28], data.SampleShape!);
            Assert.Equal(10, data.ClassCount);
            Assert.Equal(Enumerable.Range(0, 10), data.Labels.Distinct().Order());
            float min = float.MaxValue, max = float.MinValue;
            foreach (float v in data.Features) (min, max) = (Math.Min(min, v), Math.Max(max, v));
            Assert.Equal(0f, min);
            Assert.Equal(1f, max);
        }

        // The well-known Fashion-MNIST training statistics (as computed by PyTorch): mean 0.2860, std 0.3530.
        Standardizer s = Standardizer.Fit(train);
        Assert.Equal(0.2860, s.Mean[0], 4);
        Assert.Equal(0.3530, s.Std[0], 4);
    }
}
