namespace Descent.Tensors;

/// <summary>The dimensions of a row-major tensor, outermost first. The default value is the shape of a scalar.</summary>
public readonly struct Shape : IEquatable<Shape>
{
    private readonly int[] _dims;
    private readonly int _size;

    /// <summary>Creates a shape; every dimension must be non-negative.</summary>
    public Shape(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        long size = 1;
        for (int i = 0; i < dims.Length; i++)
        {
            if (dims[i] < 0)
                throw new ArgumentOutOfRangeException(nameof(dims), dims[i], $"dimension {i} must be non-negative");
            size *= dims[i];
            if (size > int.MaxValue)
                throw new ArgumentOutOfRangeException(nameof(dims), $"shape [{string.Join(", ", dims)}] has more than {int.MaxValue} elements");
        }
        _dims = (int[])dims.Clone();
        _size = (int)size;
    }

    /// <summary>The number of dimensions.</summary>
    public int Rank => _dims?.Length ?? 0;

    /// <summary>The number of elements: the product of the dimensions (1 for a scalar).</summary>
    public int Size => _dims is null ? 1 : _size;

    /// <summary>The length of dimension <paramref name="axis"/>; negative axes count from the end.</summary>
    public int this[int axis] => _dims[axis < 0 ? axis + Rank : axis];

    /// <summary>The dimensions as a read-only span.</summary>
    public ReadOnlySpan<int> Dims => _dims;

    /// <summary>A copy of the dimensions.</summary>
    public int[] ToArray() => (int[])(_dims ?? []).Clone();

    /// <inheritdoc/>
    public bool Equals(Shape other) => Dims.SequenceEqual(other.Dims);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is Shape other && Equals(other);

    /// <inheritdoc/>
    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (int d in Dims) hash.Add(d);
        return hash.ToHashCode();
    }

    /// <summary>Shapes are equal when their dimensions are.</summary>
    public static bool operator ==(Shape left, Shape right) => left.Equals(right);

    /// <summary>Shapes differ when any dimension does.</summary>
    public static bool operator !=(Shape left, Shape right) => !left.Equals(right);

    /// <summary>The shape as "[d0, d1, ...]".</summary>
    public override string ToString() => $"[{string.Join(", ", _dims ?? [])}]";
}
