using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// A view with the same elements in a new shape; one dimension may be −1 and is then inferred. No data is
    /// copied: the view shares this tensor's storage.
    /// </summary>
    public Tensor Reshape(params int[] dims)
    {
        var shape = InferShape(dims);
        var x = this;
        var y = new Tensor(_storage, _offset, shape);
        if (!ShouldRecord(x)) return y;
        return y.Record("Reshape", [x], g => x.AccumulateGrad(g.Span));
    }

    /// <summary>Keeps the first dimension and merges the rest: [N, d1, d2, ...] to [N, d1·d2·...].</summary>
    public Tensor Flatten()
    {
        if (Rank < 1) throw new InvalidOperationException("Flatten() needs at least one dimension");
        return Reshape(Shape[0], Shape[0] == 0 ? 0 : Length / Shape[0]);
    }

    /// <summary>
    /// A view of <paramref name="length"/> entries of the first dimension starting at <paramref name="start"/>
    /// (rows of a matrix, samples of a batch), sharing this tensor's storage.
    /// </summary>
    public Tensor Narrow(int start, int length)
    {
        if (Rank < 1) throw new InvalidOperationException("Narrow() needs at least one dimension");
        if (start < 0 || length < 0 || start + length > Shape[0])
            throw new ArgumentOutOfRangeException(nameof(start), $"rows [{start}, {start + length}) are outside the {Shape[0]} rows of shape {Shape}");
        var dims = Shape.ToArray();
        dims[0] = length;
        int rowSize = Shape[0] == 0 ? 0 : Length / Shape[0];
        var x = this;
        var y = new Tensor(_storage, _offset + start * rowSize, new Shape(dims));
        if (!ShouldRecord(x)) return y;
        return y.Record("Narrow", [x], g =>
        {
            var gx = x.GradForWrite(out bool acc);
            if (!acc) gx.Span.Clear();
            var slice = gx.Span.Slice(start * rowSize, g.Length);
            Elementwise.Add(slice, g.Span, slice);
        });
    }

    private Shape InferShape(int[] dims)
    {
        int inferred = -1;
        long known = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] == -1)
            {
                if (inferred >= 0) throw new ArgumentException("Reshape: only one dimension can be -1", nameof(dims));
                inferred = i;
            }
            else if (dims[i] < 0) throw new ArgumentOutOfRangeException(nameof(dims), dims[i], $"dimension {i} must be non-negative or -1");
            else known *= dims[i];
        }
        var result = (int[])dims.Clone();
        if (inferred >= 0)
        {
            if (known == 0 || Length % known != 0)
                throw new ArgumentException($"Reshape: cannot infer dimension {inferred} of [{string.Join(", ", dims)}] for {Length} elements", nameof(dims));
            result[inferred] = (int)(Length / known);
        }
        var shape = new Shape(result);
        if (shape.Size != Length)
            throw new ArgumentException($"Reshape: shape {shape} has {shape.Size} elements, the tensor {Shape} has {Length}", nameof(dims));
        return shape;
    }
}
