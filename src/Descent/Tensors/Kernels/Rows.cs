using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Tensors.Kernels;

/// <summary>Row-wise kernels over a row-major matrix: broadcasting a row vector and summing over rows.</summary>
internal static class Rows
{
    /// <summary>dst[r, :] = matrix[r, :] + row for every row r.</summary>
    public static void AddRow(ReadOnlySpan<float> matrix, ReadOnlySpan<float> row, Span<float> dst)
    {
        int n = row.Length;
        if (n == 0) return;
        for (int r = 0; r < matrix.Length / n; r++)
            TP.Add(matrix.Slice(r * n, n), row, dst.Slice(r * n, n));
    }

    /// <summary>dst[r, :] = matrix[r, :] · row for every row r.</summary>
    public static void MultiplyRow(ReadOnlySpan<float> matrix, ReadOnlySpan<float> row, Span<float> dst)
    {
        int n = row.Length;
        if (n == 0) return;
        for (int r = 0; r < matrix.Length / n; r++)
            TP.Multiply(matrix.Slice(r * n, n), row, dst.Slice(r * n, n));
    }

    /// <summary>dst (+)= Σ_r matrix[r, :], rows added in order so the result is reproducible.</summary>
    public static void SumRows(ReadOnlySpan<float> matrix, Span<float> dst, bool accumulate)
    {
        int n = dst.Length;
        if (n == 0) return;
        int rows = matrix.Length / n;
        if (!accumulate)
        {
            if (rows == 0) { dst.Clear(); return; }
            matrix[..n].CopyTo(dst);
        }
        for (int r = accumulate ? 0 : 1; r < rows; r++)
            TP.Add(dst, matrix.Slice(r * n, n), dst);
    }

    /// <summary>dst (+)= Σ_r matrix[r, :] · other[r, :] (per-column dot products over rows).</summary>
    public static void SumRowProducts(ReadOnlySpan<float> matrix, ReadOnlySpan<float> other, Span<float> dst, bool accumulate)
    {
        int n = dst.Length;
        if (n == 0) return;
        if (!accumulate) dst.Clear();
        for (int r = 0; r < matrix.Length / n; r++)
            TP.MultiplyAdd(matrix.Slice(r * n, n), other.Slice(r * n, n), dst, dst);
    }
}
