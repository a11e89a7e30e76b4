using Descent.Threading;

namespace Descent.Tensors.Kernels;

/// <summary>
/// Batch normalization over an [N, C, S] layout (S = 1 for [N, C], H·W for NCHW), parallel over channels: each
/// channel's statistics are summed by one thread in a fixed order, in double precision, one element at a time
/// (so the vector width cannot change them); the elementwise maps run on the widest lanes (<see cref="BatchNormRows"/>).
/// </summary>
internal static class BatchNormKernels
{
    /// <summary>
    /// Per-channel batch mean and biased variance of <paramref name="x"/>: mean[c] and variance[c], two-pass,
    /// summed in double and rounded to float.
    /// </summary>
    public static void Statistics(float[] x, int xOffset, int n, int c, int s, float[] mean, float[] variance)
        => ComputeThreads.For(c, new StatisticsBody(x, xOffset, n, c, s, mean, variance), wakeSleepingWorkers: (long)n * c * s >= 1 << 18);

    /// <summary>y[n, c, s] = x[n, c, s]·scale[c] + shift[c].</summary>
    public static void Affine(float[] x, int xOffset, int n, int c, int s, float[] scale, float[] shift, float[] y, int yOffset)
        => ComputeThreads.For(c, new AffineBody(x, xOffset, n, c, s, scale, shift, y, yOffset), wakeSleepingWorkers: (long)n * c * s >= 1 << 18);

    /// <summary>
    /// Per channel: sumDy[c] = Σ dy and sumDyXhat[c] = Σ dy·(x − mean[c])·invStd[c], in double.
    /// </summary>
    public static void GradientSums(float[] x, int xOffset, float[] dy, int dyOffset, int n, int c, int s,
        float[] mean, float[] invStd, float[] sumDy, float[] sumDyXhat)
        => ComputeThreads.For(c, new GradientSumsBody(x, xOffset, dy, dyOffset, n, c, s, mean, invStd, sumDy, sumDyXhat), wakeSleepingWorkers: (long)n * c * s >= 1 << 18);

    /// <summary>
    /// dx (+)= a[c]·dy + b[c]·x + d[c]: the input gradient of both modes written as one affine map per channel.
    /// </summary>
    public static void InputGradient(float[] x, int xOffset, float[] dy, int dyOffset, int n, int c, int s,
        float[] a, float[] b, float[] d, float[] dx, int dxOffset, bool accumulate)
        => ComputeThreads.For(c, new InputGradientBody(x, xOffset, dy, dyOffset, n, c, s, a, b, d, dx, dxOffset, accumulate), wakeSleepingWorkers: (long)n * c * s >= 1 << 18);

    private readonly struct StatisticsBody(float[] x, int xOffset, int n, int c, int s, float[] mean, float[] variance) : IComputeBody
    {
        public void Invoke(int channel)
        {
            double sum = 0;
            for (int i = 0; i < n; i++)
            {
                var row = x.AsSpan(xOffset + (i * c + channel) * s, s);
                for (int j = 0; j < row.Length; j++) sum += row[j];
            }
            double m = sum / ((double)n * s);
            double squares = 0;
            for (int i = 0; i < n; i++)
            {
                var row = x.AsSpan(xOffset + (i * c + channel) * s, s);
                for (int j = 0; j < row.Length; j++)
                {
                    double d = row[j] - m;
                    squares += d * d;
                }
            }
            mean[channel] = (float)m;
            variance[channel] = (float)(squares / ((double)n * s));
        }
    }

    private readonly struct AffineBody(float[] x, int xOffset, int n, int c, int s, float[] scale, float[] shift, float[] y, int yOffset) : IComputeBody
    {
        public void Invoke(int channel)
        {
            float a = scale[channel], b = shift[channel];
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + channel) * s;
                var row = x.AsSpan(xOffset + at, s);
                var output = y.AsSpan(yOffset + at, s);
                BatchNormRows.Affine(row, a, b, output);
            }
        }
    }

    private readonly struct GradientSumsBody(float[] x, int xOffset, float[] dy, int dyOffset, int n, int c, int s,
        float[] mean, float[] invStd, float[] sumDy, float[] sumDyXhat) : IComputeBody
    {
        public void Invoke(int channel)
        {
            double m = mean[channel], inv = invStd[channel];
            double total = 0, weighted = 0;
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + channel) * s;
                var row = x.AsSpan(xOffset + at, s);
                var grad = dy.AsSpan(dyOffset + at, s);
                for (int j = 0; j < row.Length; j++)
                {
                    total += grad[j];
                    weighted += grad[j] * (row[j] - m);
                }
            }
            sumDy[channel] = (float)total;
            sumDyXhat[channel] = (float)(weighted * inv);
        }
    }

    private readonly struct InputGradientBody(float[] x, int xOffset, float[] dy, int dyOffset, int n, int c, int s,
        float[] a, float[] b, float[] d, float[] dx, int dxOffset, bool accumulate) : IComputeBody
    {
        public void Invoke(int channel)
        {
            float ca = a[channel], cb = b[channel], cd = d[channel];
            for (int i = 0; i < n; i++)
            {
                int at = (i * c + channel) * s;
                var row = x.AsSpan(xOffset + at, s);
                var grad = dy.AsSpan(dyOffset + at, s);
                var target = dx.AsSpan(dxOffset + at, s);
                BatchNormRows.InputGradient(row, grad, ca, cb, cd, target, accumulate);
            }
        }
    }
}
