namespace Descent.Lab.Charts;

/// <summary>A sampled function on a rectangular grid: <c>Values[i, j]</c> is f(<c>X[i]</c>, <c>Y[j]</c>).</summary>
public sealed class Grid
{
    /// <summary>Wraps sample positions (increasing) and values; the sizes must agree.</summary>
    public Grid(double[] x, double[] y, double[,] values)
    {
        if (x.Length < 2 || y.Length < 2) throw new ArgumentException("a grid needs at least 2 × 2 samples", nameof(values));
        if (values.GetLength(0) != x.Length || values.GetLength(1) != y.Length)
            throw new ArgumentException($"values are {values.GetLength(0)} × {values.GetLength(1)} but the axes have {x.Length} and {y.Length} samples", nameof(values));
        X = x;
        Y = y;
        Values = values;
    }

    /// <summary>The sample positions along x.</summary>
    public double[] X { get; }

    /// <summary>The sample positions along y.</summary>
    public double[] Y { get; }

    /// <summary>The samples, indexed [x, y].</summary>
    public double[,] Values { get; }

    /// <summary>Samples <paramref name="f"/> at <paramref name="nx"/> × <paramref name="ny"/> evenly spaced points of the rectangle.</summary>
    public static Grid Sample(Func<double, double, double> f, (double Min, double Max) xRange, (double Min, double Max) yRange, int nx, int ny)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(nx, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(ny, 2);
        var x = Enumerable.Range(0, nx).Select(i => xRange.Min + (xRange.Max - xRange.Min) * i / (nx - 1)).ToArray();
        var y = Enumerable.Range(0, ny).Select(j => yRange.Min + (yRange.Max - yRange.Min) * j / (ny - 1)).ToArray();
        var values = new double[nx, ny];
        for (int i = 0; i < nx; i++)
            for (int j = 0; j < ny; j++) values[i, j] = f(x[i], y[j]);
        return new Grid(x, y, values);
    }

    /// <summary>The finite sample values.</summary>
    public IEnumerable<double> FiniteValues()
    {
        foreach (double v in Values) if (double.IsFinite(v)) yield return v;
    }
}

/// <summary>
/// Contour lines by marching squares: each grid cell's corners are classified above or below the level, the
/// crossing points are interpolated linearly along the cell edges, and the segments are joined into polylines
/// (closed when they loop). Saddle cells are resolved with the cell's centre value. Cells with a non-finite corner
/// are skipped.
/// </summary>
public static class MarchingSquares
{
    /// <summary>The contour lines of <paramref name="grid"/> at <paramref name="level"/>.</summary>
    public static IReadOnlyList<IReadOnlyList<(double X, double Y)>> Trace(Grid grid, double level)
    {
        int nx = grid.X.Length, ny = grid.Y.Length;
        var v = grid.Values;
        var segments = new List<(long A, long B)>();
        var points = new Dictionary<long, (double X, double Y)>();

        // Edge keys: horizontal edge (i,j)-(i+1,j) is 2·(j·nx + i), vertical edge (i,j)-(i,j+1) is 2·(j·nx + i) + 1.
        long H(int i, int j) => 2L * ((long)j * nx + i);
        long V(int i, int j) => 2L * ((long)j * nx + i) + 1;
        long Point(long key)
        {
            if (points.ContainsKey(key)) return key;
            int cell = (int)(key / 2), i = cell % nx, j = cell / nx;
            bool horizontal = key % 2 == 0;
            double v0 = v[i, j], v1 = horizontal ? v[i + 1, j] : v[i, j + 1];
            double t = v1 == v0 ? 0.5 : Math.Clamp((level - v0) / (v1 - v0), 0, 1);
            points[key] = horizontal
                ? (grid.X[i] + t * (grid.X[i + 1] - grid.X[i]), grid.Y[j])
                : (grid.X[i], grid.Y[j] + t * (grid.Y[j + 1] - grid.Y[j]));
            return key;
        }
        void Segment(long a, long b) => segments.Add((Point(a), Point(b)));

        for (int j = 0; j < ny - 1; j++)
        {
            for (int i = 0; i < nx - 1; i++)
            {
                double a = v[i, j], b = v[i + 1, j], c = v[i + 1, j + 1], d = v[i, j + 1];
                if (!double.IsFinite(a) || !double.IsFinite(b) || !double.IsFinite(c) || !double.IsFinite(d)) continue;
                int index = (a >= level ? 1 : 0) | (b >= level ? 2 : 0) | (c >= level ? 4 : 0) | (d >= level ? 8 : 0);
                long bottom = H(i, j), right = V(i + 1, j), top = H(i, j + 1), left = V(i, j);
                switch (index)
                {
                    case 0 or 15: break;
                    case 1 or 14: Segment(left, bottom); break;
                    case 2 or 13: Segment(bottom, right); break;
                    case 3 or 12: Segment(left, right); break;
                    case 4 or 11: Segment(right, top); break;
                    case 6 or 9: Segment(bottom, top); break;
                    case 7 or 8: Segment(left, top); break;
                    case 5 or 10:
                        bool centreAbove = (a + b + c + d) / 4 >= level;
                        // Corners a and c are on one side, b and d on the other; the centre decides which pair connects.
                        if ((index == 5) == centreAbove) { Segment(left, top); Segment(bottom, right); }
                        else { Segment(left, bottom); Segment(right, top); }
                        break;
                }
            }
        }
        return Join(segments, points);
    }

    private static List<IReadOnlyList<(double X, double Y)>> Join(List<(long A, long B)> segments, Dictionary<long, (double X, double Y)> points)
    {
        var byPoint = new Dictionary<long, List<int>>();
        for (int s = 0; s < segments.Count; s++)
        {
            foreach (long key in new[] { segments[s].A, segments[s].B })
            {
                if (!byPoint.TryGetValue(key, out var list)) byPoint[key] = list = [];
                list.Add(s);
            }
        }
        var used = new bool[segments.Count];
        var lines = new List<IReadOnlyList<(double X, double Y)>>();
        long Next(long from, out int segment)
        {
            segment = -1;
            foreach (int s in byPoint[from])
            {
                if (used[s]) continue;
                segment = s;
                return segments[s].A == from ? segments[s].B : segments[s].A;
            }
            return from;
        }
        // Open lines first (start at points that end exactly one segment), then closed loops.
        var starts = byPoint.Where(kv => kv.Value.Count == 1).Select(kv => kv.Key).Concat(byPoint.Keys).ToList();
        foreach (long start in starts)
        {
            while (byPoint[start].Any(s => !used[s]))
            {
                var chain = new List<long> { start };
                long at = start;
                while (true)
                {
                    long next = Next(at, out int s);
                    if (s < 0) break;
                    used[s] = true;
                    chain.Add(next);
                    at = next;
                }
                lines.Add(chain.Select(k => points[k]).ToList());
            }
        }
        return lines;
    }
}

/// <summary>Contour levels.</summary>
public static class Levels
{
    /// <summary><paramref name="count"/> levels spaced evenly in log scale from <paramref name="min"/> to <paramref name="max"/> (both positive).</summary>
    public static double[] Log(double min, double max, int count)
    {
        if (!(min > 0) || !(max > min)) throw new ArgumentOutOfRangeException(nameof(min), $"log-spaced levels need 0 < min < max (got {min}, {max})");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        double a = Math.Log10(min), b = Math.Log10(max);
        return Enumerable.Range(0, count).Select(i => Math.Pow(10, a + (b - a) * i / (count - 1))).ToArray();
    }

    /// <summary><paramref name="count"/> levels spaced evenly from <paramref name="min"/> to <paramref name="max"/>.</summary>
    public static double[] Linear(double min, double max, int count)
    {
        if (!(max > min)) throw new ArgumentOutOfRangeException(nameof(max), $"levels need min < max (got {min}, {max})");
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 2);
        return Enumerable.Range(0, count).Select(i => min + (max - min) * i / (count - 1)).ToArray();
    }
}
