using System.Numerics;
using System.Runtime.CompilerServices;

namespace Descent.Data;

/// <summary>
/// Z-score standardization, <c>(x − mean) / std</c>, with statistics fitted on a training set and then applied
/// unchanged to every dataset (training, validation, test), so no information leaks from the evaluation data.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="StandardizationMode.Global"/> reproduces the PyTorch recipe <c>m, s = Xtr.mean(), Xtr.std();
/// X = (X − m) / s</c>: one mean and the unbiased (n − 1) standard deviation over all values, summed in double
/// precision (vectorized, so the summation order differs from a plain loop only in the last double bits) and then rounded to float; applying it subtracts and then divides in float, as PyTorch does.
/// </para>
/// <para>
/// A standard deviation of exactly 0 (a constant column in <see cref="StandardizationMode.PerFeature"/> mode, or
/// constant data in global mode) uses divisor 1, so such values are only centred instead of becoming NaN.
/// <see cref="Std"/> still reports the true 0.
/// </para>
/// </remarks>
public sealed class Standardizer
{
    private readonly float[] _mean;
    private readonly float[] _std;
    private readonly float[] _divisor;

    /// <summary>Creates a standardizer from known statistics, for example ones restored from a checkpoint.</summary>
    /// <param name="mode">The mode the statistics belong to.</param>
    /// <param name="mean">One value for <see cref="StandardizationMode.Global"/>, one per feature otherwise.</param>
    /// <param name="std">The standard deviations, matching <paramref name="mean"/> in length; each finite and ≥ 0.</param>
    /// <exception cref="ArgumentException">The lengths are wrong or a value is not finite or a std is negative.</exception>
    public Standardizer(StandardizationMode mode, IReadOnlyList<float> mean, IReadOnlyList<float> std)
    {
        ArgumentNullException.ThrowIfNull(mean);
        ArgumentNullException.ThrowIfNull(std);
        if (mode is not (StandardizationMode.Global or StandardizationMode.PerFeature))
            throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown standardization mode.");
        if (mode == StandardizationMode.Global && mean.Count != 1)
            throw new ArgumentException($"Global standardization needs exactly one mean, not {mean.Count}.", nameof(mean));
        if (mean.Count == 0)
            throw new ArgumentException("At least one mean is required.", nameof(mean));
        if (std.Count != mean.Count)
            throw new ArgumentException($"{mean.Count} means but {std.Count} standard deviations.", nameof(std));

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
        Mode = mode;
    }

    /// <summary>Whether the statistics are global or per feature.</summary>
    public StandardizationMode Mode { get; }

    /// <summary>The fitted means: one value in global mode, one per feature in per-feature mode.</summary>
    public IReadOnlyList<float> Mean => _mean;

    /// <summary>The fitted unbiased standard deviations, in the same layout as <see cref="Mean"/>.</summary>
    public IReadOnlyList<float> Std => _std;

    /// <summary>Fits the statistics on <paramref name="train"/> (which is not modified).</summary>
    /// <param name="train">The training set; only its features are used.</param>
    /// <param name="mode">Global (default) or per-feature statistics.</param>
    /// <exception cref="ArgumentException">Too few values for an unbiased standard deviation: global mode needs
    /// at least two values in all, per-feature mode at least two samples.</exception>
    public static Standardizer Fit(Dataset train, StandardizationMode mode = StandardizationMode.Global)
    {
        ArgumentNullException.ThrowIfNull(train);
        return mode switch
        {
            StandardizationMode.Global => FitGlobal(train.Features),
            StandardizationMode.PerFeature => FitPerFeature(train),
            _ => throw new ArgumentOutOfRangeException(nameof(mode), mode, "Unknown standardization mode."),
        };
    }

    /// <summary>Standardizes <paramref name="data"/>'s features in place.</summary>
    /// <exception cref="ArgumentException">Per-feature statistics do not match the dataset's feature size.</exception>
    public void Apply(Dataset data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (Mode == StandardizationMode.PerFeature && data.FeatureSize != _mean.Length)
            throw new ArgumentException(
                $"The standardizer was fitted on {_mean.Length} features but the dataset has {data.FeatureSize}.", nameof(data));
        Apply(data.Features);
    }

    /// <summary>Standardizes row-major <paramref name="features"/> in place, for example a single sample to classify.</summary>
    /// <exception cref="ArgumentException">In per-feature mode, the length is not a multiple of the feature count.</exception>
    public void Apply(Span<float> features)
    {
        if (Mode == StandardizationMode.Global)
        {
            ApplyRange(features, _mean[0], _divisor[0]);
            return;
        }
        int width = _mean.Length;
        if (features.Length % width != 0)
            throw new ArgumentException(
                $"{features.Length} values are not a whole number of {width}-feature samples.", nameof(features));
        for (int start = 0; start < features.Length; start += width)
            ApplyRow(features.Slice(start, width), _mean, _divisor);
    }

    private static Standardizer FitGlobal(float[] values)
    {
        if (values.Length < 2)
            throw new ArgumentException("Global standardization needs at least two feature values for an unbiased standard deviation.", "train");
        double mean = SumDouble(values) / values.Length;
        double std = Math.Sqrt(SumSquaredDeviations(values, mean) / (values.Length - 1));
        return new Standardizer(StandardizationMode.Global, [(float)mean], [(float)std]);
    }

    /// <summary>The sum of <paramref name="values"/>, each widened to double before adding.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumDouble(ReadOnlySpan<float> values)
    {
        Vector<double> acc = Vector<double>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(values.Slice(i, Vector<float>.Count)), out Vector<double> low, out Vector<double> high);
            acc += low + high;
        }
        double sum = Vector.Sum(acc);
        for (; i < values.Length; i++) sum += values[i];
        return sum;
    }

    /// <summary>The sum of squared deviations from <paramref name="mean"/>, in double.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double SumSquaredDeviations(ReadOnlySpan<float> values, double mean)
    {
        var vMean = new Vector<double>(mean);
        Vector<double> acc = Vector<double>.Zero;
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Vector.Widen(new Vector<float>(values.Slice(i, Vector<float>.Count)), out Vector<double> low, out Vector<double> high);
            low -= vMean;
            high -= vMean;
            acc += low * low + high * high;
        }
        double sum = Vector.Sum(acc);
        for (; i < values.Length; i++)
        {
            double d = values[i] - mean;
            sum += d * d;
        }
        return sum;
    }

    private static Standardizer FitPerFeature(Dataset train)
    {
        if (train.Count < 2)
            throw new ArgumentException("Per-feature standardization needs at least two samples for an unbiased standard deviation.", nameof(train));
        int width = train.FeatureSize;
        double[] sums = new double[width];
        double[] squares = new double[width];
        for (int row = 0; row < train.Count; row++)
        {
            ReadOnlySpan<float> x = train.GetFeatures(row);
            for (int j = 0; j < width; j++) sums[j] += x[j];
        }
        for (int j = 0; j < width; j++) sums[j] /= train.Count;
        for (int row = 0; row < train.Count; row++)
        {
            ReadOnlySpan<float> x = train.GetFeatures(row);
            for (int j = 0; j < width; j++)
            {
                double d = x[j] - sums[j];
                squares[j] += d * d;
            }
        }
        float[] mean = new float[width], std = new float[width];
        for (int j = 0; j < width; j++)
        {
            mean[j] = (float)sums[j];
            std[j] = (float)Math.Sqrt(squares[j] / (train.Count - 1));
        }
        return new Standardizer(StandardizationMode.PerFeature, mean, std);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyRange(Span<float> values, float mean, float divisor)
    {
        var vMean = new Vector<float>(mean);
        var vDivisor = new Vector<float>(divisor);
        int i = 0;
        for (; i <= values.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Span<float> chunk = values.Slice(i, Vector<float>.Count);
            ((new Vector<float>(chunk) - vMean) / vDivisor).CopyTo(chunk);
        }
        for (; i < values.Length; i++) values[i] = (values[i] - mean) / divisor;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ApplyRow(Span<float> row, ReadOnlySpan<float> mean, ReadOnlySpan<float> divisor)
    {
        int i = 0;
        for (; i <= row.Length - Vector<float>.Count; i += Vector<float>.Count)
        {
            Span<float> chunk = row.Slice(i, Vector<float>.Count);
            var m = new Vector<float>(mean.Slice(i, Vector<float>.Count));
            var d = new Vector<float>(divisor.Slice(i, Vector<float>.Count));
            ((new Vector<float>(chunk) - m) / d).CopyTo(chunk);
        }
        for (; i < row.Length; i++) row[i] = (row[i] - mean[i]) / divisor[i];
    }
}
