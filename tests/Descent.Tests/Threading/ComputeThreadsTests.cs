using Descent.Threading;

namespace Descent.Tests.Threading;

/// <summary>Tests that change <see cref="ComputeThreads.Count"/> run one at a time.</summary>
[CollectionDefinition(Name)]
public class ComputeThreadsCollection
{
    public const string Name = "ComputeThreads.Count";
}

[Collection(ComputeThreadsCollection.Name)]
public class ComputeThreadsTests
{
    [Fact]
    public void CountRejectsLessThanOne()
    {
        var exception = Assert.Throws<ArgumentOutOfRangeException>(() => ComputeThreads.Count = 0);
        Assert.Equal("Count", exception.ParamName);
    }

    [Theory]
    [InlineData(1, 100)]
    [InlineData(2, 1)]
    [InlineData(2, 1000)]
    [InlineData(4, 37)]
    public void ForRunsEveryIndexExactlyOnce(int threads, int count)
    {
        int saved = ComputeThreads.Count;
        try
        {
            ComputeThreads.Count = threads;
            for (int repeat = 0; repeat < 20; repeat++)
            {
                var hits = new int[count];
                ComputeThreads.For(count, i => Interlocked.Increment(ref hits[i]));
                Assert.All(hits, h => Assert.Equal(1, h));
            }
        }
        finally
        {
            ComputeThreads.Count = saved;
        }
    }

    [Fact]
    public void NestedLoopsRunAndFinish()
    {
        int saved = ComputeThreads.Count;
        try
        {
            ComputeThreads.Count = 2;
            int total = 0;
            ComputeThreads.For(4, _ => ComputeThreads.For(5, _ => Interlocked.Increment(ref total)));
            Assert.Equal(20, total);
        }
        finally
        {
            ComputeThreads.Count = saved;
        }
    }

    [Fact]
    public void ForRethrowsTheBodysException()
    {
        int saved = ComputeThreads.Count;
        try
        {
            ComputeThreads.Count = 2;
            var exception = Assert.Throws<InvalidOperationException>(() =>
                ComputeThreads.For(8, i => { if (i % 3 == 1) throw new InvalidOperationException("boom"); }));
            Assert.Equal("boom", exception.Message);
            // The pool is still usable afterwards.
            int total = 0;
            ComputeThreads.For(8, _ => Interlocked.Increment(ref total));
            Assert.Equal(8, total);
        }
        finally
        {
            ComputeThreads.Count = saved;
        }
    }
}
