using System.Buffers;
using System.Buffers.Binary;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Descent.Checkpoints;

/// <summary>Writes a <see cref="SafetensorsFile"/> in the safetensors format.</summary>
/// <remarks>
/// The header is compact JSON with the metadata first, then the tensors in the file's order, whose data follows in
/// the same order; it is padded with spaces so the data section starts on an 8-byte boundary, as the reference
/// implementation does. Non-ASCII characters in names are written as UTF-8, not escaped.
/// </remarks>
public static class SafetensorsWriter
{
    /// <summary>Writes <paramref name="file"/> to <paramref name="stream"/> (which is not flushed or closed).</summary>
    public static void Write(Stream stream, SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(file);
        byte[] header = Header(file);
        Span<byte> length = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        stream.Write(header);
        foreach (var (_, tensor) in file.InOrder()) stream.Write(tensor.Data);
    }

    /// <summary>The total size of the file <see cref="Write"/> would produce, in bytes.</summary>
    public static long Size(SafetensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        return 8 + Header(file).Length + file.InOrder().Sum(t => t.Value.ByteLength);
    }

    /// <summary>The padded JSON header.</summary>
    internal static byte[] Header(SafetensorsFile file)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            json.WriteStartObject();
            if (file.Metadata.Count > 0)
            {
                json.WriteStartObject(SafetensorsFile.MetadataKey);
                foreach (var (key, value) in file.Metadata) json.WriteString(key, value);
                json.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, tensor) in file.InOrder())
            {
                json.WriteStartObject(name);
                json.WriteString("dtype", tensor.DType.HeaderName());
                json.WriteStartArray("shape");
                foreach (long d in tensor.Shape) json.WriteNumberValue(d);
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                offset += tensor.ByteLength;
                json.WriteNumberValue(offset);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        int padded = (buffer.WrittenCount + 7) / 8 * 8;
        byte[] header = new byte[padded];
        buffer.WrittenSpan.CopyTo(header);
        header.AsSpan(buffer.WrittenCount).Fill((byte)' ');
        if (header.LongLength > SafetensorsReader.MaxHeaderLength)
            throw new ArgumentException($"the header would be {header.Length} bytes, more than the format's limit of {SafetensorsReader.MaxHeaderLength}", nameof(file));
        return header;
    }
}
