using System.Buffers.Binary;
using System.IO.Compression;

namespace Descent.Data;

/// <summary>
/// Reads files in the IDX format used by MNIST and Fashion-MNIST, either raw or gzip-compressed.
/// </summary>
/// <remarks>
/// <para>
/// An IDX file is a header — two zero bytes, a data-type code, a dimension count, then each dimension as a
/// big-endian 32-bit integer — followed by the values in row-major order. Only unsigned bytes (type code 0x08) with
/// 1 to 4 dimensions are supported, which covers the label (1-D) and image (3-D) files.
/// </para>
/// <para>
/// Compression is detected from the gzip magic bytes 0x1F 0x8B, whatever the file is called. The file must hold
/// exactly the announced data: a short file and surplus bytes after the data are both errors. Every format problem
/// is reported as a <see cref="DataFormatException"/> whose message starts with the file path. Note that bytes
/// appended after the end of the gzip stream itself are ignored by the .NET decoder and so go unnoticed.
/// </para>
/// </remarks>
public static class IdxReader
{
    /// <summary>The IDX type code for unsigned bytes, the only one supported.</summary>
    public const byte UnsignedByteType = 0x08;

    /// <summary>The largest supported number of dimensions.</summary>
    public const int MaxDimensions = 4;

    private const int InitialGzipBuffer = 16 << 20;

    /// <summary>Reads the IDX file at <paramref name="path"/>.</summary>
    /// <param name="path">A raw or gzip-compressed IDX file.</param>
    /// <returns>The file's dimensions and data.</returns>
    /// <exception cref="FileNotFoundException">No file exists at <paramref name="path"/>.</exception>
    /// <exception cref="DataFormatException">The file is not a valid unsigned-byte IDX file.</exception>
    public static IdxData Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
            throw new FileNotFoundException($"IDX file not found: {path}", path);

        using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        Span<byte> magic = stackalloc byte[2];
        int magicLength = file.ReadAtLeast(magic, 2, throwOnEndOfStream: false);
        file.Position = 0;
        bool gzip = magicLength == 2 && magic[0] == 0x1F && magic[1] == 0x8B;
        if (!gzip) return ReadIdx(file, path, compressed: false, rawLength: file.Length);

        using var decompressed = new GZipStream(file, CompressionMode.Decompress);
        return ReadIdx(decompressed, path, compressed: true, rawLength: -1);
    }

    private static IdxData ReadIdx(Stream stream, string path, bool compressed, long rawLength)
    {
        Span<byte> fixedHeader = stackalloc byte[4];
        int got = ReadFully(stream, fixedHeader, path);
        if (got < 4)
            throw Error(path, $"truncated header: an IDX header needs at least 4 bytes but the {Content(compressed)} holds only {got}.");

        if (fixedHeader[0] != 0 || fixedHeader[1] != 0)
            throw Error(path, $"bad magic number: the first two bytes must be 0x00 0x00 but are 0x{fixedHeader[0]:X2} 0x{fixedHeader[1]:X2}; this is not an IDX file.");

        byte type = fixedHeader[2];
        if (type != UnsignedByteType)
            throw Error(path, DescribeUnsupportedType(type));

        int rank = fixedHeader[3];
        if (rank is 0 or > MaxDimensions)
            throw Error(path, $"unsupported dimension count {rank}: it must be 1 to {MaxDimensions}.");

        Span<byte> dimBytes = stackalloc byte[4 * MaxDimensions];
        dimBytes = dimBytes[..(4 * rank)];
        got = ReadFully(stream, dimBytes, path);
        if (got < dimBytes.Length)
            throw Error(path, $"truncated header: {rank} dimensions need a {4 + dimBytes.Length}-byte header but the {Content(compressed)} holds only {4 + got} bytes.");

        Span<int> shape = stackalloc int[rank];
        long size = 1;
        for (int i = 0; i < rank; i++)
        {
            uint dim = BinaryPrimitives.ReadUInt32BigEndian(dimBytes[(4 * i)..]);
            if (dim == 0)
                throw Error(path, $"dimension {i + 1} of {rank} has size 0.");
            if (dim > Array.MaxLength)
                throw Error(path, $"dimension {i + 1} of {rank} has size {dim}, larger than any supported array ({Array.MaxLength}).");
            shape[i] = (int)dim;
            size *= dim;
            if (size > Array.MaxLength)
                throw Error(path, $"the dimensions {FormatShape(shape[..(i + 1)])}{(i + 1 < rank ? "×…" : "")} describe more than {Array.MaxLength} bytes, the largest supported array (size overflow).");
        }

        long headerLength = 4 + dimBytes.Length;
        if (!compressed && rawLength - headerLength < size)
            throw TruncatedData(path, shape, size, rawLength - headerLength, compressed);

        byte[] data = compressed ? ReadGrowing(stream, (int)size, path, shape) : new byte[size];
        if (!compressed)
        {
            got = ReadFully(stream, data, path);
            if (got < size) throw TruncatedData(path, shape, size, got, compressed);
        }

        long trailing = CountRemaining(stream, path);
        if (trailing > 0)
            throw Error(path, $"trailing garbage: {trailing} unexpected byte(s) after the {size} data bytes announced by the header ({FormatShape(shape)}).");

        return new IdxData(shape, data);
    }

    /// <summary>Reads exactly <paramref name="size"/> bytes without allocating them all up front, so a tiny corrupt
    /// file announcing a huge size fails before a huge allocation.</summary>
    private static byte[] ReadGrowing(Stream stream, int size, string path, ReadOnlySpan<int> shape)
    {
        byte[] buffer = new byte[Math.Min(size, InitialGzipBuffer)];
        int filled = 0;
        while (true)
        {
            int got = ReadFully(stream, buffer.AsSpan(filled), path);
            filled += got;
            if (filled < buffer.Length) throw TruncatedData(path, shape, size, filled, compressed: true);
            if (filled == size) return buffer;
            Array.Resize(ref buffer, (int)Math.Min(size, 2L * buffer.Length));
        }
    }

    private static int ReadFully(Stream stream, Span<byte> buffer, string path)
    {
        try
        {
            return stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
        }
        catch (InvalidDataException e)
        {
            throw Error(path, $"corrupt gzip stream: {e.Message}", e);
        }
    }

    private static long CountRemaining(Stream stream, string path)
    {
        Span<byte> scratch = stackalloc byte[4096];
        long total = 0;
        int got;
        while ((got = ReadFully(stream, scratch, path)) > 0) total += got;
        return total;
    }

    private static DataFormatException TruncatedData(string path, ReadOnlySpan<int> shape, long expected, long found, bool compressed) =>
        Error(path, $"truncated data: the header ({FormatShape(shape)}, unsigned bytes) announces {expected} data bytes but the {Content(compressed)} holds only {Math.Max(found, 0)}.");

    private static string DescribeUnsupportedType(byte type)
    {
        string? name = type switch
        {
            0x09 => "signed byte",
            0x0B => "16-bit integer",
            0x0C => "32-bit integer",
            0x0D => "32-bit float",
            0x0E => "64-bit float",
            _ => null,
        };
        return name is null
            ? $"unknown data type code 0x{type:X2}; only 0x08 (unsigned byte) is supported."
            : $"unsupported data type code 0x{type:X2} ({name}); only 0x08 (unsigned byte) is supported.";
    }

    private static string Content(bool compressed) => compressed ? "decompressed stream" : "file";

    private static string FormatShape(ReadOnlySpan<int> shape) => string.Join("×", shape.ToArray());

    private static DataFormatException Error(string path, string problem, Exception? inner = null) => new(path, problem, inner);
}
