namespace Descent.Lab.Tuning;

/// <summary>
/// A one-dimensional Parzen estimator on [low, high] as TPE uses it: one truncated Gaussian per observation plus a
/// wide prior Gaussian (centre of the range, σ = its width, weight 1). Each observation's σ is the larger distance to
/// its sorted neighbours (the prior's centre included), clipped to [width / min(100, 1 + n), width] ("magic clip").
/// For a categorical parameter (<see cref="Categorical"/>) it is a weighted histogram with a uniform prior.
/// </summary>
public sealed class ParzenEstimator
{
    private readonly double[] _mu, _sigma, _weight;
    private readonly double _low, _high;
    private readonly double[]? _categories;

    private ParzenEstimator(double[] mu, double[] sigma, double[] weight, double low, double high, double[]? categories)
    {
        (_mu, _sigma, _weight, _low, _high, _categories) = (mu, sigma, weight, low, high, categories);
    }

    /// <summary>Optuna's default weights: 1 for the newest 25 observations, a ramp from 1/n up to 1 for older ones (in trial order).</summary>
    public static double[] Weights(int n)
    {
        if (n < 25) return [.. Enumerable.Repeat(1.0, n)];
        var w = new double[n];
        int ramp = n - 25;
        for (int i = 0; i < ramp; i++) w[i] = ramp == 1 ? 1.0 / n : 1.0 / n + i * (1.0 - 1.0 / n) / (ramp - 1);
        for (int i = ramp; i < n; i++) w[i] = 1;
        return w;
    }

    /// <summary>The estimator of <paramref name="observations"/> (in trial order) on [<paramref name="low"/>, <paramref name="high"/>].</summary>
    public static ParzenEstimator Numeric(IReadOnlyList<double> observations, double low, double high)
    {
        int n = observations.Count;
        double width = high - low;
        var mu = new double[n + 1];
        var weight = new double[n + 1];
        var ws = Weights(n);
        for (int i = 0; i < n; i++) (mu[i], weight[i]) = (observations[i], ws[i]);
        mu[n] = (low + high) / 2;
        weight[n] = 1.0;
        var order = Enumerable.Range(0, n + 1).OrderBy(i => mu[i]).ToArray();
        var sigma = new double[n + 1];
        double minSigma = width / Math.Min(100.0, 1.0 + n);
        for (int k = 0; k < order.Length; k++)
        {
            double left = k > 0 ? mu[order[k]] - mu[order[k - 1]] : mu[order[k]] - low;
            double right = k + 1 < order.Length ? mu[order[k + 1]] - mu[order[k]] : high - mu[order[k]];
            sigma[order[k]] = Math.Clamp(Math.Max(left, right), minSigma, width);
        }
        sigma[n] = width;
        Normalize(weight);
        return new ParzenEstimator(mu, sigma, weight, low, high, null);
    }

    /// <summary>The estimator of category indices <paramref name="observations"/> among <paramref name="count"/>: weighted counts plus a uniform prior of total weight 1.</summary>
    public static ParzenEstimator Categorical(IReadOnlyList<int> observations, int count)
    {
        var p = new double[count];
        var ws = Weights(observations.Count);
        for (int i = 0; i < count; i++) p[i] = 1.0 / count;
        for (int i = 0; i < observations.Count; i++) p[observations[i]] += ws[i];
        Normalize(p);
        return new ParzenEstimator([], [], [], 0, count, p);
    }

    private static void Normalize(double[] w)
    {
        double s = w.Sum();
        for (int i = 0; i < w.Length; i++) w[i] /= s;
    }

    /// <summary>A draw: a component by weight, then its truncated Gaussian (a category, for a categorical estimator).</summary>
    public double Sample(Random rng)
    {
        if (_categories is { } p) return Pick(p, rng);
        int c = Pick(_weight, rng);
        for (int attempt = 0; attempt < 1000; attempt++)
        {
            double x = _mu[c] + _sigma[c] * Gaussian(rng);
            if (x >= _low && x <= _high) return x;
        }
        return Math.Clamp(_mu[c], _low, _high);
    }

    /// <summary>The log density at <paramref name="x"/> (log probability of a category).</summary>
    public double LogDensity(double x)
    {
        if (_categories is { } p) return Math.Log(p[(int)x]);
        double sum = 0;
        for (int i = 0; i < _mu.Length; i++)
        {
            double mass = Phi((_high - _mu[i]) / _sigma[i]) - Phi((_low - _mu[i]) / _sigma[i]);
            double z = (x - _mu[i]) / _sigma[i];
            sum += _weight[i] * Math.Exp(-0.5 * z * z) / (_sigma[i] * Math.Sqrt(2 * Math.PI) * Math.Max(mass, 1e-12));
        }
        return Math.Log(Math.Max(sum, 1e-300));
    }

    private static int Pick(double[] weights, Random rng)
    {
        double u = rng.NextDouble(), acc = 0;
        for (int i = 0; i < weights.Length; i++)
            if ((acc += weights[i]) > u) return i;
        return weights.Length - 1;
    }

    private static double Gaussian(Random rng)
    {
        double u1 = 1.0 - rng.NextDouble(), u2 = rng.NextDouble();
        return Math.Sqrt(-2 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }

    /// <summary>The standard normal CDF, through erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    public static double Phi(double z)
    {
        double x = Math.Abs(z) / Math.Sqrt(2);
        double t = 1 / (1 + 0.3275911 * x);
        double erf = 1 - (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.Exp(-x * x);
        return z >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}
