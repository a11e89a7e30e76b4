using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>The sum of all elements, as a one-element tensor.</summary>
    public Tensor Sum()
    {
        var x = this;
        var y = Scalar(Elementwise.Sum(x.Span));
        if (!ShouldRecord(x)) return y;
        return y.Record("Sum", [x], g => x.AccumulateFilled(g.Span[0]));
    }

    /// <summary>The mean of all elements, as a one-element tensor.</summary>
    public Tensor Mean()
    {
        if (Length == 0) throw new InvalidOperationException("Mean() of an empty tensor is undefined");
        var x = this;
        float scale = 1f / Length;
        var y = Scalar(Elementwise.Sum(x.Span) * scale);
        if (!ShouldRecord(x)) return y;
        return y.Record("Mean", [x], g => x.AccumulateFilled(g.Span[0] * scale));
    }

    /// <summary>The sum over the rows of a 2-D tensor: [rows, cols] to [cols].</summary>
    public Tensor SumRows()
    {
        if (Rank != 2) throw new InvalidOperationException($"SumRows() needs a matrix, this tensor has shape {Shape}");
        var x = this;
        int rows = Shape[0], cols = Shape[1];
        var y = Uninitialized(new Shape(cols));
        Rows.SumRows(x.Span, y.Span, accumulate: false);
        if (!ShouldRecord(x)) return y;
        return y.Record("SumRows", [x], g =>
        {
            var gx = x.GradForWrite(out bool acc);
            for (int r = 0; r < rows; r++)
            {
                var row = gx.Span.Slice(r * cols, cols);
                if (acc) Elementwise.Add(row, g.Span, row);
                else g.Span.CopyTo(row);
            }
        });
    }

    /// <summary>For each row of a 2-D tensor, the column index of its largest element.</summary>
    public int[] ArgMaxRows()
    {
        if (Rank != 2) throw new InvalidOperationException($"ArgMaxRows() needs a matrix, this tensor has shape {Shape}");
        int rows = Shape[0], cols = Shape[1];
        var result = new int[rows];
        for (int r = 0; r < rows; r++) result[r] = Elementwise.IndexOfMax(Span.Slice(r * cols, cols));
        return result;
    }

    /// <summary>Adds <paramref name="value"/> to every element of this tensor's gradient.</summary>
    private void AccumulateFilled(float value)
    {
        var grad = GradForWrite(out bool acc);
        if (acc) Elementwise.Add(grad.Span, value, grad.Span);
        else grad.Span.Fill(value);
    }
}
