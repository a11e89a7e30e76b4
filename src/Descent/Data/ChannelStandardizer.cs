namespace Descent.Data;

/// <summary>
/// Per-channel z-scoring of image data, <c>(x − mean[c]) / std[c]</c>, with one mean and standard deviation per
/// channel fitted over every pixel of every training image and then applied unchanged to every dataset — the
/// usual CIFAR-10 preprocessing (torchvision's <c>Normalize(mean, std)</c> with training-set statistics).
/// </summary>
/// <remarks>
/// <para>A sample is laid out channel-major: its <see cref="Dataset.SampleShape"/> is [C, ...] (such as [3, 32, 32]),
/// so channel c of a sample is one contiguous run of the remaining dimensions' size. Means and the unbiased
/// (n − 1) standard deviations are summed in double and rounded to float.</para>
/// <para>A standard deviation of exactly 0 (a constant channel) uses divisor 1, so such values are only centred;
/// <see cref="Std"/> still reports 0. (DeepOBS's TensorFlow CIFAR-10 pipeline standardizes each image on its own
/// instead; the per-channel form is the common PyTorch one.)</para>
/// </remarks>
public sealed class ChannelStandardizer
{
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly float[] _divisor;

    /// <summary>Creates a standardizer from known per-channel statistics.</summary>
    /// <exception cref="ArgumentException">The lengths differ or are zero, or a value is not finite or a std is negative.</exception>
    public ChannelStandardizer(IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mean.Count == 0) throw new ArgumentException("At least one channel is required.", nameof(mean));
        if (std.Count != mean.Count) throw new ArgumentException($"{mean.Count} means but {std.Count} standard deviations.", nameof(std));
        _mean = [.. mean];
        _std = [.. std];
        _divisor = new float[_std.Length];
        for (int i = 0; i < _std.Length; i++)
        {
            if (!float.IsFinite(_mean[i])) throw new ArgumentException($"Mean {i} is not finite.", nameof(mean));
            if (!float.IsFinite(_std[i]) || _std[i] < 0)
                throw new ArgumentException($"Standard deviation {i} ({_std[i]}) must be finite and non-negative.", nameof(std));
            _divisor[i] = _std[i] == 0 ? 1f : _std[i];
        }
    }

    /// <summary>The number of channels.</summary>
    public int Channels => _mean.Length;

    /// <summary>The fitted mean of each channel.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The fitted unbiased standard deviation of each channel.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Fits the per-channel statistics on <paramref name="train"/> (which is not modified).</summary>
    /// <exception cref="ArgumentException">The dataset has no sample shape, or fewer than two values per channel.</exception>
    public static ChannelStandardizer Fit(Dataset train)
    {
        ArgumentNullException.ThrowIfNull(train);
        int channels = ChannelsOf(train);
        int plane = train.FeatureSize / channels;
        long count = (long)train.Count * plane;
        if (count < 2)
            throw new ArgumentException("Per-channel standardization needs at least two values per channel for an unbiased standard deviation.", nameof(train));
        var sums = new double[channels];
        for (int i = 0; i < train.Count; i++)
        {
            ReadOnlySpan<float> sample = train.GetFeatures(i);
            for (int c = 0; c < channels; c++)
            {
                double s = 0;
                foreach (float v in sample.Slice(c * plane, plane)) s += v;
                sums[c] += s;
            }
        }
        var means = new double[channels];
        for (int c = 0; c < channels; c++) means[c] = sums[c] / count;
        var squares = new double[channels];
        for (int i = 0; i < train.Count; i++)
        {
            ReadOnlySpan<float> sample = train.GetFeatures(i);
            for (int c = 0; c < channels; c++)
            {
                double s = 0, m = means[c];
                foreach (float v in sample.Slice(c * plane, plane))
                {
                    double d = v - m;
                    s += d * d;
                }
                squares[c] += s;
            }
        }
        var mean = new float[channels];
        var std = new float[channels];
        for (int c = 0; c < channels; c++)
        {
            mean[c] = (float)means[c];
            std[c] = (float)Math.Sqrt(squares[c] / (count - 1));
        }
        return new ChannelStandardizer(mean, std);
    }

    /// <summary>Standardizes <paramref name="data"/>'s features in place.</summary>
    /// <exception cref="ArgumentException">The dataset's channel count differs from the fitted one.</exception>
    public void Apply(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        int channels = ChannelsOf(data);
        if (channels != Channels)
            throw new ArgumentException($"The standardizer was fitted on {Channels} channels but the dataset has {channels}.", nameof(data));
        int plane = data.FeatureSize / channels;
        for (int i = 0; i < data.Count; i++)
        {
            Span<float> sample = data.GetFeatures(i);
            for (int c = 0; c < channels; c++)
            {
                var values = sample.Slice(c * plane, plane);
                float m = _mean[c], d = _divisor[c];
                for (int j = 0; j < values.Length; j++) values[j] = (values[j] - m) / d;
            }
        }
    }

    private static int ChannelsOf(Dataset data) =>
        data.SampleShape is { Count: > 0 } shape
            ? shape[0]
            : throw new ArgumentException("Per-channel standardization needs a dataset with a sample shape [channels, ...].", nameof(data));
}
