using Descent.Data;

namespace Descent.Tests.Data;

public sealed class DatasetTests
{
    private static Dataset Sample() =>
        new([0, 1, 10, 11, 20, 21, 30, 31], [0, 1, 2, 1], featureSize: 2, classCount: 3, sampleShape: [1, 2]);

    [Fact]
    public void ExposesSizes()
    {
        Dataset data = Sample();
        Assert.Equal(4, data.Count);
        Assert.Equal(2, data.FeatureSize);
        Assert.Equal(3, data.ClassCount);
        Assert.Equal([1, 2], data.SampleShape!);
        Assert.Equal([20f, 21f], data.GetFeatures(2).ToArray());
    }

    [Fact]
    public void SliceCopiesTheRange()
    {
        Dataset data = Sample();
        Dataset slice = data.Slice(1, 2);
        Assert.Equal([10f, 11f, 20f, 21f], slice.Features);
        Assert.Equal([1, 2], slice.Labels);
        Assert.Equal(3, slice.ClassCount);
        Assert.Equal([1, 2], slice.SampleShape!);
        slice.Features[0] = -1;
        Assert.Equal(10f, data.Features[2]);
        Assert.Throws<ArgumentOutOfRangeException>(() => data.Slice(3, 2));
    }

    [Fact]
    public void TakeClampsToTheCount()
    {
        Assert.Equal(2, Sample().Take(2).Count);
        Assert.Equal(4, Sample().Take(100).Count);
    }

    [Fact]
    public void RejectsInconsistentArguments()
    {
        Assert.Throws<ArgumentException>(() => new Dataset([1, 2, 3], [0, 0], 2, 1));
        Assert.Throws<ArgumentException>(() => new Dataset([1, 2], [0, 3], 1, 3));
        Assert.Throws<ArgumentException>(() => new Dataset([1, 2], [0, -1], 1, 3));
        Assert.Throws<ArgumentException>(() => new Dataset([1, 2, 3, 4], [0, 0], 2, 1, [3]));
        Assert.Throws<ArgumentOutOfRangeException>(() => new Dataset([], [], 0, 1));
    }
}
