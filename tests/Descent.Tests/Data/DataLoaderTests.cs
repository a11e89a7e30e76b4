using Descent.Data;

namespace Descent.Tests.Data;

public sealed class DataLoaderTests
{
    /// <summary>A dataset whose sample i has features [i, -i] and label i % 3, so batches can be checked.</summary>
    private static Dataset Numbered(int count)
    {
        float[] features = new float[2 * count];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            features[2 * i] = i;
            features[2 * i + 1] = -i;
            labels[i] = i % 3;
        }
        return new Dataset(features, labels, 2, 3);
    }

    /// <summary>Runs one epoch and returns the sample indices of each batch, checking each batch's contents.</summary>
    private static List<int[]> Epoch(DataLoader loader)
    {
        var batches = new List<int[]>();
        foreach (Batch batch in loader)
        {
            Assert.Equal(batches.Count, batch.Index);
            int[] indices = new int[batch.Count];
            for (int k = 0; k < batch.Count; k++)
            {
                float i = batch.Features[2 * k];
                Assert.Equal(-i, batch.Features[2 * k + 1]);
                Assert.Equal((int)i % 3, batch.Labels[k]);
                Assert.Equal((int)i, batch.SampleIndices[k]);
                indices[k] = (int)i;
            }
            batches.Add(indices);
        }
        return batches;
    }

    [Fact]
    public void EveryIndexAppearsExactlyOncePerEpochAndTheLastBatchIsPartial()
    {
        var loader = new DataLoader(Numbered(103), batchSize: 10, shuffle: true, dropLast: false, rng: new Rng(1));
        Assert.Equal(11, loader.BatchesPerEpoch);
        for (int epoch = 0; epoch < 3; epoch++)
        {
            List<int[]> batches = Epoch(loader);
            Assert.Equal(11, batches.Count);
            Assert.All(batches.Take(10), b => Assert.Equal(10, b.Length));
            Assert.Equal(3, batches[^1].Length);
            Assert.Equal(Enumerable.Range(0, 103), batches.SelectMany(b => b).Order());
        }
        Assert.Equal(3, loader.EpochsStarted);
    }

    [Fact]
    public void DropLastSkipsThePartialBatch()
    {
        var loader = new DataLoader(Numbered(103), 10, shuffle: true, dropLast: true, rng: new Rng(2));
        Assert.Equal(10, loader.BatchesPerEpoch);
        List<int[]> batches = Epoch(loader);
        Assert.Equal(10, batches.Count);
        int[] all = batches.SelectMany(b => b).ToArray();
        Assert.Equal(100, all.Distinct().Count());
    }

    [Fact]
    public void SameSeedGivesSameOrderAndEpochsDiffer()
    {
        var a = new DataLoader(Numbered(50), 8, shuffle: true, rng: new Rng(42));
        var b = new DataLoader(Numbered(50), 8, shuffle: true, rng: new Rng(42));
        int[] a1 = Epoch(a).SelectMany(x => x).ToArray(), a2 = Epoch(a).SelectMany(x => x).ToArray();
        int[] b1 = Epoch(b).SelectMany(x => x).ToArray(), b2 = Epoch(b).SelectMany(x => x).ToArray();
        Assert.Equal(a1, b1);
        Assert.Equal(a2, b2);
        Assert.NotEqual(a1, a2);
        Assert.NotEqual(Enumerable.Range(0, 50), a1);

        var c = new DataLoader(Numbered(50), 8, shuffle: true, rng: new Rng(43));
        Assert.NotEqual(a1, Epoch(c).SelectMany(x => x).ToArray());
    }

    [Fact]
    public void WithoutShuffleTheOrderIsSequential()
    {
        var loader = new DataLoader(Numbered(7), 3, shuffle: false);
        Assert.Equal(Enumerable.Range(0, 7), Epoch(loader).SelectMany(b => b));
        Assert.Equal(Enumerable.Range(0, 7), Epoch(loader).SelectMany(b => b));
    }

    [Fact]
    public void BatchLargerThanDatasetGivesOneBatch()
    {
        var loader = new DataLoader(Numbered(5), 64, shuffle: false);
        Assert.Equal(1, loader.BatchesPerEpoch);
        Assert.Equal(5, Assert.Single(Epoch(loader)).Length);
    }

    [Fact]
    public void TheBatchObjectIsReused()
    {
        var loader = new DataLoader(Numbered(20), 4, shuffle: true, rng: new Rng(3));
        var seen = new HashSet<Batch>(ReferenceEqualityComparer.Instance);
        foreach (Batch batch in loader) seen.Add(batch);
        foreach (Batch batch in loader) seen.Add(batch);
        Assert.Single(seen);
    }

    [Fact]
    public void ResumingMidEpochReproducesTheUninterruptedRun()
    {
        var reference = new DataLoader(Numbered(30), 4, shuffle: true, rng: new Rng(9));
        List<int[]> fullFirst = Epoch(reference), fullSecond = Epoch(reference);

        var rng = new Rng(9);
        var interrupted = new DataLoader(Numbered(30), 4, shuffle: true, rng: rng);
        int consumed = 0;
        foreach (Batch _ in interrupted)
        {
            if (++consumed == 3) break;
        }
        int[] savedOrder = interrupted.CurrentOrder.ToArray();
        int savedNext = interrupted.NextBatchIndex;
        RngState savedRng = rng.GetState();
        Assert.Equal(3, savedNext);

        var resumedRng = new Rng(12345);
        resumedRng.SetState(savedRng);
        var resumed = new DataLoader(Numbered(30), 4, shuffle: true, rng: resumedRng);
        resumed.ResumeEpoch(savedOrder, savedNext);
        List<int[]> rest = Epoch2(resumed, firstIndex: 3);

        Assert.Equal(fullFirst.Skip(3), rest);
        Assert.Equal(fullSecond, Epoch(resumed));
    }

    private static List<int[]> Epoch2(DataLoader loader, int firstIndex)
    {
        var batches = new List<int[]>();
        foreach (Batch batch in loader)
        {
            Assert.Equal(firstIndex + batches.Count, batch.Index);
            batches.Add(batch.SampleIndices.AsSpan(0, batch.Count).ToArray());
        }
        return batches;
    }

    [Fact]
    public void TryGetNextBatchIteratesAStartedEpoch()
    {
        var loader = new DataLoader(Numbered(10), 4, shuffle: false);
        Assert.True(loader.CurrentOrder.IsEmpty);
        Assert.False(loader.TryGetNextBatch(out _));
        loader.StartEpoch();
        int count = 0;
        while (loader.TryGetNextBatch(out Batch batch)) count += batch.Count;
        Assert.Equal(10, count);
        Assert.Equal(loader.BatchesPerEpoch, loader.NextBatchIndex);
    }

    [Fact]
    public void ValidatesArguments()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new DataLoader(Numbered(4), 0, shuffle: false));
        Assert.Equal("batchSize", e.ParamName);
        Assert.Throws<ArgumentException>(() => new DataLoader(new Dataset([], [], 2, 3), 4, shuffle: false));
        Assert.Throws<ArgumentException>(() => new DataLoader(Numbered(4), 5, shuffle: false, dropLast: true));
        Assert.Throws<ArgumentNullException>(() => new DataLoader(Numbered(4), 2, shuffle: true));

        var loader = new DataLoader(Numbered(4), 2, shuffle: false);
        Assert.Throws<ArgumentException>(() => loader.ResumeEpoch([0, 1, 1, 3], 0));
        Assert.Throws<ArgumentException>(() => loader.ResumeEpoch([0, 1, 2], 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => loader.ResumeEpoch([0, 1, 2, 3], 3));
    }
}
