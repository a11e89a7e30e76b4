namespace Descent.Checkpoints;

/// <summary>The element types of the safetensors format, by their names in the header ("F32", "I64", ...).</summary>
/// <remarks>
/// Descent writes <see cref="F32"/> (weights, optimizer buffers), <see cref="F64"/> and <see cref="I64"/> (optimizer
/// scalars and step counts) and <see cref="I32"/> (a data loader's sample order); the reader accepts every type of
/// the format so a file written elsewhere can be inspected.
/// </remarks>
public enum SafetensorsDType
{
    /// <summary>Booleans, one byte each.</summary>
    Bool,
    /// <summary>Unsigned 8-bit integers.</summary>
    U8,
    /// <summary>Signed 8-bit integers.</summary>
    I8,
    /// <summary>8-bit floats with a 5-bit exponent ("F8_E5M2").</summary>
    F8E5M2,
    /// <summary>8-bit floats with a 4-bit exponent ("F8_E4M3").</summary>
    F8E4M3,
    /// <summary>Signed 16-bit integers.</summary>
    I16,
    /// <summary>Unsigned 16-bit integers.</summary>
    U16,
    /// <summary>IEEE half-precision floats.</summary>
    F16,
    /// <summary>bfloat16.</summary>
    BF16,
    /// <summary>Signed 32-bit integers.</summary>
    I32,
    /// <summary>Unsigned 32-bit integers.</summary>
    U32,
    /// <summary>IEEE single-precision floats.</summary>
    F32,
    /// <summary>IEEE double-precision floats.</summary>
    F64,
    /// <summary>Signed 64-bit integers.</summary>
    I64,
    /// <summary>Unsigned 64-bit integers.</summary>
    U64,
}

/// <summary>The header names and element sizes of <see cref="SafetensorsDType"/>.</summary>
public static class SafetensorsDTypes
{
    private static readonly (SafetensorsDType Type, string Name, int Size)[] Table =
    [
        (SafetensorsDType.Bool, "BOOL", 1), (SafetensorsDType.U8, "U8", 1), (SafetensorsDType.I8, "I8", 1),
        (SafetensorsDType.F8E5M2, "F8_E5M2", 1), (SafetensorsDType.F8E4M3, "F8_E4M3", 1),
        (SafetensorsDType.I16, "I16", 2), (SafetensorsDType.U16, "U16", 2), (SafetensorsDType.F16, "F16", 2),
        (SafetensorsDType.BF16, "BF16", 2), (SafetensorsDType.I32, "I32", 4), (SafetensorsDType.U32, "U32", 4),
        (SafetensorsDType.F32, "F32", 4), (SafetensorsDType.F64, "F64", 8), (SafetensorsDType.I64, "I64", 8),
        (SafetensorsDType.U64, "U64", 8),
    ];

    /// <summary>The name used in the header, such as "F32".</summary>
    public static string HeaderName(this SafetensorsDType type) => Entry(type).Name;

    /// <summary>Bytes per element.</summary>
    public static int ElementSize(this SafetensorsDType type) => Entry(type).Size;

    /// <summary>The type called <paramref name="name"/> in a header (exact, case-sensitive), or false.</summary>
    public static bool TryParse(string name, out SafetensorsDType type)
    {
        foreach (var entry in Table)
            if (string.Equals(entry.Name, name, StringComparison.Ordinal))
            {
                type = entry.Type;
                return true;
            }
        type = default;
        return false;
    }

    /// <summary>Every header name, for messages.</summary>
    public static string KnownNames => string.Join(", ", Table.Select(e => e.Name));

    private static (SafetensorsDType Type, string Name, int Size) Entry(SafetensorsDType type)
    {
        foreach (var entry in Table)
            if (entry.Type == type) return entry;
        throw new ArgumentOutOfRangeException(nameof(type), type, "not a safetensors element type");
    }
}
