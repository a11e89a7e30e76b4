using Descent.Data;

namespace Descent.Tests.Data;

public sealed class StandardizerTests
{
    [Fact]
    public void GlobalMatchesHandComputedUnbiasedStatistics()
    {
        // Values 1..4: mean 2.5, squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, unbiased variance 5/3.
        var train = new Dataset([1, 2, 3, 4], [0, 0], featureSize: 2, classCount: 1);
        Standardizer s = Standardizer.Fit(train);

        Assert.Equal(StandardizationMode.Global, s.Mode);
        Assert.Equal(2.5f, Assert.Single(s.Mean));
        Assert.Equal((float)Math.Sqrt(5.0 / 3.0), Assert.Single(s.Std));
        Assert.Equal([1f, 2f, 3f, 4f], train.Features);  // Fit does not modify

        s.Apply(train);
        float std = (float)Math.Sqrt(5.0 / 3.0);
        Assert.Equal([(1 - 2.5f) / std, (2 - 2.5f) / std, (3 - 2.5f) / std, (4 - 2.5f) / std], train.Features);
    }

    [Fact]
    public void TestSetUsesTrainingStatistics()
    {
        var train = new Dataset([1, 2, 3, 4], [0, 0], 2, 1);
        var test = new Dataset([2.5f, 2.5f + 1.2909944f, 100, 100], [0, 0], 2, 1);
        Standardizer s = Standardizer.Fit(train);
        s.Apply(test);
        Assert.Equal(0f, test.Features[0]);
        Assert.Equal(1f, test.Features[1], 1e-6f);
        Assert.Equal((100 - 2.5f) / s.Std[0], test.Features[2]);
    }

    [Fact]
    public void GlobalApplyMatchesTheScalarFormulaExactlyAcrossVectorAndTail()
    {
        var rng = new Rng(11);
        float[] values = new float[3 * 37];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextFloat() * 255;
        var data = new Dataset((float[])values.Clone(), [0, 0, 0], 37, 1);

        Standardizer s = Standardizer.Fit(data);
        double sum = 0, squares = 0;
        foreach (float v in values) sum += v;
        double mean = sum / values.Length;
        foreach (float v in values) squares += (v - mean) * (v - mean);
        double var = squares / (values.Length - 1);
        Assert.Equal((float)mean, s.Mean[0]);
        Assert.Equal((float)Math.Sqrt(var), s.Std[0]);

        s.Apply(data);
        for (int i = 0; i < values.Length; i++) Assert.Equal((values[i] - s.Mean[0]) / s.Std[0], data.Features[i]);
    }

    [Fact]
    public void PerFeatureUsesColumnStatisticsAndDivisorOneForConstantColumns()
    {
        // Column 0: 1, 3, 5 → mean 3, unbiased std 2. Column 1: constant 10 → std 0, divisor 1.
        var train = new Dataset([1, 10, 3, 10, 5, 10], [0, 0, 0], 2, 1);
        Standardizer s = Standardizer.Fit(train, StandardizationMode.PerFeature);

        Assert.Equal([3f, 10f], s.Mean);
        Assert.Equal([2f, 0f], s.Std);

        var test = new Dataset([7, 12], [0], 2, 1);
        s.Apply(test);
        Assert.Equal([2f, 2f], test.Features);
    }

    [Fact]
    public void PerFeatureApplyMatchesScalarFormulaOnWideRows()
    {
        const int width = 37, rows = 5;
        var rng = new Rng(5);
        float[] values = new float[width * rows];
        for (int i = 0; i < values.Length; i++) values[i] = rng.NextFloat();
        var data = new Dataset((float[])values.Clone(), new int[rows], width, 1);

        Standardizer s = Standardizer.Fit(data, StandardizationMode.PerFeature);
        s.Apply(data);
        for (int i = 0; i < values.Length; i++)
        {
            int j = i % width;
            Assert.Equal((values[i] - s.Mean[j]) / s.Std[j], data.Features[i]);
        }
    }

    [Fact]
    public void GlobalConstantDataIsOnlyCentred()
    {
        var data = new Dataset([4, 4, 4], [0, 0, 0], 1, 1);
        Standardizer s = Standardizer.Fit(data);
        Assert.Equal(0f, s.Std[0]);
        s.Apply(data);
        Assert.Equal([0f, 0f, 0f], data.Features);
    }

    [Fact]
    public void RestoredStatisticsBehaveLikeFitted()
    {
        var train = new Dataset([1, 10, 3, 10, 5, 10], [0, 0, 0], 2, 1);
        Standardizer fitted = Standardizer.Fit(train, StandardizationMode.PerFeature);
        var restored = new Standardizer(fitted.Mode, fitted.Mean, fitted.Std);
        float[] a = [9, 9], b = [9, 9];
        fitted.Apply(a);
        restored.Apply(b);
        Assert.Equal(a, b);
    }

    [Fact]
    public void RejectsMismatchesAndTooLittleData()
    {
        var train = new Dataset([1, 2, 3, 4], [0, 0], 2, 1);
        Standardizer perFeature = Standardizer.Fit(train, StandardizationMode.PerFeature);
        Assert.Throws<ArgumentException>(() => perFeature.Apply(new Dataset([1, 2, 3], [0], 3, 1)));
        Assert.Throws<ArgumentException>(() => perFeature.Apply(new float[3]));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit(new Dataset([1], [0], 1, 1)));
        Assert.Throws<ArgumentException>(() => Standardizer.Fit(new Dataset([1, 2], [0], 2, 1), StandardizationMode.PerFeature));
        Assert.Throws<ArgumentException>(() => new Standardizer(StandardizationMode.Global, [1, 2], [1, 1]));
        Assert.Throws<ArgumentException>(() => new Standardizer(StandardizationMode.Global, [1], [-1]));
    }
}
