using System.Buffers.Binary;
using System.IO.Compression;
using Descent.Data;

namespace Descent.Tests.Data;

/// <summary>Builds IDX files (raw or gzip) and MNIST-style directories for tests.</summary>
internal static class IdxTestFiles
{
    /// <summary>An unsigned-byte IDX file: zero magic bytes, type 0x08, the dimension count, big-endian dimensions, data.</summary>
    public static byte[] Idx(byte[] data, params int[] dims) => Idx(0x08, dims, data);

    /// <summary>An IDX file with an arbitrary type code (dimension values are written as given).</summary>
    public static byte[] Idx(byte type, int[] dims, byte[] data) => Header(0, 0, type, dims.Select(d => (uint)d).ToArray()).Concat(data).ToArray();

    /// <summary>An IDX header with arbitrary magic bytes and unsigned dimensions.</summary>
    public static byte[] Header(byte magic0, byte magic1, byte type, params uint[] dims)
    {
        byte[] header = new byte[4 + 4 * dims.Length];
        header[0] = magic0;
        header[1] = magic1;
        header[2] = type;
        header[3] = (byte)dims.Length;
        for (int i = 0; i < dims.Length; i++) BinaryPrimitives.WriteUInt32BigEndian(header.AsSpan(4 + 4 * i), dims[i]);
        return header;
    }

    public static byte[] Gzip(byte[] raw)
    {
        using var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(raw);
        return output.ToArray();
    }

    /// <summary>Deterministic pseudo-random bytes.</summary>
    public static byte[] Bytes(int count, int seed)
    {
        byte[] bytes = new byte[count];
        new System.Random(seed).NextBytes(bytes);
        return bytes;
    }

    /// <summary>Writes the image and label files of <paramref name="split"/> into <paramref name="directory"/>.</summary>
    public static (string Images, string Labels) WriteSplit(
        TempDirectory directory, DataSplit split, byte[] pixels, byte[] labels, int rows, int columns, bool gzip)
    {
        byte[] images = Idx(pixels, labels.Length, rows, columns);
        byte[] labelFile = Idx(labels, labels.Length);
        string suffix = gzip ? ".gz" : "";
        return (
            directory.Write(MnistFormat.ImagesFileName(split) + suffix, gzip ? Gzip(images) : images),
            directory.Write(MnistFormat.LabelsFileName(split) + suffix, gzip ? Gzip(labelFile) : labelFile));
    }

    /// <summary>Writes a complete, tiny MNIST-style dataset (4 training and 2 test samples of 2×3 pixels).</summary>
    public static void WriteTinyMnist(TempDirectory directory, bool gzip = true)
    {
        WriteSplit(directory, DataSplit.Train, Bytes(4 * 6, 1), [0, 1, 2, 9], 2, 3, gzip);
        WriteSplit(directory, DataSplit.Test, Bytes(2 * 6, 2), [3, 4], 2, 3, gzip);
    }
}
