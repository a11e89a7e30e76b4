using System.Runtime.InteropServices;

namespace Descent.Checkpoints;

/// <summary>
/// One tensor of a safetensors file: its element type, its shape and its raw little-endian bytes.
/// </summary>
/// <remarks>
/// A tensor of shape [] is a scalar (one element); a dimension of 0 gives an empty tensor. The bytes are owned by
/// the tensor: the factories copy their input and the accessors return copies.
/// </remarks>
public sealed class SafetensorsTensor
{
    private readonly long[] _shape;
    private readonly byte[] _data;

    /// <summary>Wraps <paramref name="data"/> (not copied) as a tensor of <paramref name="type"/> and <paramref name="shape"/>.</summary>
    /// <exception cref="ArgumentException">A dimension is negative, or the data length does not match the shape.</exception>
    public SafetensorsTensor(SafetensorsDType type, ReadOnlySpan<long> shape, byte[] data)
    {
        ArgumentNullException.ThrowIfNull(data);
        long count = ElementCount(shape) ?? throw new ArgumentException("the shape has a negative dimension or too many elements", nameof(shape));
        if (count > long.MaxValue / type.ElementSize() || count * type.ElementSize() != data.LongLength)
            throw new ArgumentException($"shape [{string.Join(", ", shape.ToArray())}] of {type.HeaderName()} needs {count} elements of {type.ElementSize()} bytes, but the data has {data.LongLength} bytes", nameof(data));
        DType = type;
        _shape = shape.ToArray();
        _data = data;
    }

    /// <summary>The element type.</summary>
    public SafetensorsDType DType { get; }

    /// <summary>The dimensions, outermost first; empty for a scalar.</summary>
    public IReadOnlyList<long> Shape => _shape;

    /// <summary>The number of elements (1 for a scalar).</summary>
    public long ElementCount() => ElementCount(_shape)!.Value;

    /// <summary>The raw little-endian bytes, row-major.</summary>
    public ReadOnlySpan<byte> Data => _data;

    /// <summary>The number of data bytes.</summary>
    public long ByteLength => _data.LongLength;

    /// <summary>The shape as "[2, 3]".</summary>
    public string ShapeText => "[" + string.Join(", ", _shape) + "]";

    /// <summary>A float32 tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static SafetensorsTensor FromFloats(ReadOnlySpan<float> values, params int[] shape) =>
        new(SafetensorsDType.F32, Longs(shape), ToBytes(values));

    /// <summary>A float64 tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static SafetensorsTensor FromDoubles(ReadOnlySpan<double> values, params int[] shape) =>
        new(SafetensorsDType.F64, Longs(shape), ToBytes(values));

    /// <summary>An int32 tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static SafetensorsTensor FromInt32s(ReadOnlySpan<int> values, params int[] shape) =>
        new(SafetensorsDType.I32, Longs(shape), ToBytes(values));

    /// <summary>An int64 tensor of <paramref name="shape"/> holding a copy of <paramref name="values"/>.</summary>
    public static SafetensorsTensor FromInt64s(ReadOnlySpan<long> values, params int[] shape) =>
        new(SafetensorsDType.I64, Longs(shape), ToBytes(values));

    /// <summary>A float64 scalar (shape []).</summary>
    public static SafetensorsTensor Scalar(double value) => FromDoubles([value]);

    /// <summary>An int64 scalar (shape []).</summary>
    public static SafetensorsTensor Scalar(long value) => FromInt64s([value]);

    /// <summary>The values of a float32 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not F32.</exception>
    public float[] ToFloats() => FromBytes<float>(SafetensorsDType.F32);

    /// <summary>The values of a float64 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not F64.</exception>
    public double[] ToDoubles() => FromBytes<double>(SafetensorsDType.F64);

    /// <summary>The values of an int32 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not I32.</exception>
    public int[] ToInt32s() => FromBytes<int>(SafetensorsDType.I32);

    /// <summary>The values of an int64 tensor.</summary>
    /// <exception cref="InvalidOperationException">The tensor is not I64.</exception>
    public long[] ToInt64s() => FromBytes<long>(SafetensorsDType.I64);

    /// <summary>True when the shape equals <paramref name="dims"/>.</summary>
    public bool HasShape(ReadOnlySpan<int> dims)
    {
        if (dims.Length != _shape.Length) return false;
        for (int i = 0; i < dims.Length; i++)
            if (_shape[i] != dims[i]) return false;
        return true;
    }

    /// <summary>The element count of <paramref name="shape"/>, or null when a dimension is negative or the count overflows.</summary>
    internal static long? ElementCount(ReadOnlySpan<long> shape)
    {
        long count = 1;
        foreach (long d in shape)
        {
            if (d < 0) return null;
            if (d != 0 && count > long.MaxValue / d) return null;
            count *= d;
        }
        return count;
    }

    private static long[] Longs(int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        return shape.Select(d => (long)d).ToArray();
    }

    private static byte[] ToBytes<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        byte[] bytes = MemoryMarshal.AsBytes(values).ToArray();
        if (!BitConverter.IsLittleEndian) ReverseEach<T>(bytes);
        return bytes;
    }

    private T[] FromBytes<T>(SafetensorsDType expected) where T : unmanaged
    {
        if (DType != expected)
            throw new InvalidOperationException($"the tensor holds {DType.HeaderName()}, not {expected.HeaderName()}");
        var values = new T[_data.Length / expected.ElementSize()];
        var bytes = MemoryMarshal.AsBytes(values.AsSpan());
        _data.CopyTo(bytes);
        if (!BitConverter.IsLittleEndian) ReverseEach<T>(bytes);
        return values;
    }

    /// <summary>Swaps the byte order of every element (safetensors data is little-endian).</summary>
    private static unsafe void ReverseEach<T>(Span<byte> bytes) where T : unmanaged
    {
        int size = sizeof(T);
        for (int i = 0; i + size <= bytes.Length; i += size) bytes.Slice(i, size).Reverse();
    }
}
