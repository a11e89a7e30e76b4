namespace Descent.Data;

/// <summary>The contents of an unsigned-byte IDX file: its dimensions and its row-major data.</summary>
public sealed class IdxData
{
    private readonly int[] _shape;

    /// <summary>Wraps <paramref name="shape"/> and <paramref name="data"/>; the shape is copied, the data is not.</summary>
    /// <exception cref="ArgumentException">The product of the dimensions differs from the data length.</exception>
    public IdxData(ReadOnlySpan<int> shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long product = 1;
        foreach (int dim in shape)
        {
            if (dim <= 0) throw new ArgumentException("Every dimension must be at least 1.", nameof(shape));
            product *= dim;
            if (product > Array.MaxLength) throw new ArgumentException("The dimensions are too large.", nameof(shape));
        }
        if (shape.Length == 0) throw new ArgumentException("At least one dimension is required.", nameof(shape));
        if (product != data.Length)
            throw new ArgumentException($"The dimensions describe {product} values but the data holds {data.Length}.", nameof(data));
        _shape = shape.ToArray();
        Data = data;
    }

    /// <summary>The dimensions, outermost first (for MNIST images: count, rows, columns).</summary>
    public IReadOnlyList<int> Shape => _shape;

    /// <summary>The values in row-major order; its length is the product of <see cref="Shape"/>.</summary>
    public byte[] Data { get; }
}
