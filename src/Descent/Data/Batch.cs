namespace Descent.Data;

/// <summary>
/// One mini-batch produced by a <see cref="DataLoader"/>: the features and labels of <see cref="Count"/> samples.
/// </summary>
/// <remarks>
/// The loader reuses one <see cref="Batch"/> and its buffers for every batch, so a batch's contents are only valid
/// until the next batch is requested; copy what must be kept. The buffers may be longer than the valid part.
/// </remarks>
public sealed class Batch
{
    internal Batch(int capacity, int featureSize)
    {
        Features = new float[capacity * featureSize];
        Labels = new int[capacity];
        SampleIndices = new int[capacity];
        FeatureSize = featureSize;
    }

    /// <summary>Row-major features; the first <c>Count × FeatureSize</c> values are valid.</summary>
    public float[] Features { get; }

    /// <summary>Labels; the first <see cref="Count"/> values are valid.</summary>
    public int[] Labels { get; }

    /// <summary>The dataset index of each sample; the first <see cref="Count"/> values are valid.</summary>
    public int[] SampleIndices { get; }

    /// <summary>The number of samples in this batch (the last batch of an epoch may be smaller).</summary>
    public int Count { get; internal set; }

    /// <summary>The number of features per sample.</summary>
    public int FeatureSize { get; }

    /// <summary>The position of this batch within its epoch, starting at 0.</summary>
    public int Index { get; internal set; }

    /// <summary>The valid features, <c>Count × FeatureSize</c> values.</summary>
    public ReadOnlySpan<float> FeatureSpan => Features.AsSpan(0, Count * FeatureSize);

    /// <summary>The valid labels, <see cref="Count"/> values.</summary>
    public ReadOnlySpan<int> LabelSpan => Labels.AsSpan(0, Count);
}
