namespace Descent.Data;

/// <summary>
/// A labelled dataset held in memory: <see cref="Count"/> samples of <see cref="FeatureSize"/> features each,
/// stored row-major in one array, with one class label per sample.
/// </summary>
/// <remarks>
/// The arrays are used as given, not copied, so transforms such as <see cref="Standardizer.Apply(Dataset)"/> can
/// work in place. <see cref="Slice"/> and <see cref="Take"/> copy.
/// </remarks>
public sealed class Dataset
{
    private readonly int[]? _sampleShape;

    /// <summary>Wraps feature and label arrays as a dataset.</summary>
    /// <param name="features">Row-major features, <c>labels.Length × featureSize</c> values.</param>
    /// <param name="labels">One label per sample, each in [0, <paramref name="classCount"/>).</param>
    /// <param name="featureSize">Values per sample; at least 1.</param>
    /// <param name="classCount">The number of classes; at least 1.</param>
    /// <param name="sampleShape">Optional shape of one sample (for example [1, 28, 28]); its product must equal
    /// <paramref name="featureSize"/>. It is copied.</param>
    /// <exception cref="ArgumentException">The sizes disagree or a label is out of range.</exception>
    public Dataset(float[] features, int[] labels, int featureSize, int classCount, IReadOnlyList<int>? sampleShape = null)
    {
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(labels);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(featureSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(classCount);
        if ((long)labels.Length * featureSize != features.Length)
            throw new ArgumentException(
                $"{labels.Length} labels × {featureSize} features need {(long)labels.Length * featureSize} feature values but {features.Length} were given.",
                nameof(features));
        for (int i = 0; i < labels.Length; i++)
        {
            if ((uint)labels[i] >= (uint)classCount)
                throw new ArgumentException($"Label {labels[i]} of sample {i} is outside [0, {classCount}).", nameof(labels));
        }
        if (sampleShape is not null)
        {
            long product = 1;
            foreach (int dim in sampleShape)
            {
                if (dim <= 0) throw new ArgumentException("Every sample dimension must be at least 1.", nameof(sampleShape));
                product *= dim;
            }
            if (sampleShape.Count == 0 || product != featureSize)
                throw new ArgumentException(
                    $"The sample shape [{string.Join(", ", sampleShape)}] does not hold {featureSize} features.", nameof(sampleShape));
            _sampleShape = [.. sampleShape];
        }

        Features = features;
        Labels = labels;
        FeatureSize = featureSize;
        ClassCount = classCount;
    }

    /// <summary>All features, row-major: sample <c>i</c> occupies <c>[i × FeatureSize, (i + 1) × FeatureSize)</c>.</summary>
    public float[] Features { get; }

    /// <summary>The label of each sample, in [0, <see cref="ClassCount"/>).</summary>
    public int[] Labels { get; }

    /// <summary>The number of samples.</summary>
    public int Count => Labels.Length;

    /// <summary>The number of features per sample.</summary>
    public int FeatureSize { get; }

    /// <summary>The number of classes the labels are drawn from (not necessarily all present).</summary>
    public int ClassCount { get; }

    /// <summary>The shape of one sample, such as [1, 28, 28] (channels, rows, columns), or null when unknown.</summary>
    public IReadOnlyList<int>? SampleShape => _sampleShape;

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public Span<float> GetFeatures(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * FeatureSize, FeatureSize);
    }

    /// <summary>A copy of samples [<paramref name="start"/>, <paramref name="start"/> + <paramref name="count"/>),
    /// keeping the class count and sample shape.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range is not within the dataset.</exception>
    public Dataset Slice(int start, int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(count, Count - start);
        float[] features = Features.AsSpan(start * FeatureSize, count * FeatureSize).ToArray();
        int[] labels = Labels.AsSpan(start, count).ToArray();
        return new Dataset(features, labels, FeatureSize, ClassCount, _sampleShape);
    }

    /// <summary>A copy of the first <paramref name="count"/> samples (all of them if there are fewer).</summary>
    public Dataset Take(int count)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        return Slice(0, Math.Min(count, Count));
    }
}
