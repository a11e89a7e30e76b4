using System.Buffers.Binary;
using System.Text.Json;
using System.Text.Unicode;

namespace Descent.Checkpoints;

/// <summary>
/// Reads safetensors files, checking everything before trusting it: the header length against a limit and the
/// file's size, the JSON, every entry's type, shape and offsets, and that the tensors tile the data section exactly.
/// </summary>
/// <remarks>
/// Every problem is a <see cref="CheckpointFormatException"/> whose message starts with the file's path. Nothing is
/// allocated from a size read in the file before that size is checked against the file's real length, so a corrupt
/// length cannot cause a huge allocation.
/// </remarks>
public static class SafetensorsReader
{
    /// <summary>The largest accepted header, in bytes (the reference implementation's limit, 100 MB).</summary>
    public const long MaxHeaderLength = 100_000_000;

    /// <summary>Reads the file at <paramref name="path"/>.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="CheckpointFormatException">The file is not a valid safetensors file.</exception>
    public static SafetensorsFile Read(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!File.Exists(path))
        {
            if (Directory.Exists(path)) throw new CheckpointFormatException(path, "is a directory, not a safetensors file");
            throw new FileNotFoundException($"{path}: file not found", path);
        }
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
        return Read(stream, path);
    }

    /// <summary>Reads a safetensors file from the start of a seekable <paramref name="stream"/>; <paramref name="name"/> names it in errors.</summary>
    /// <exception cref="CheckpointFormatException">The contents are not a valid safetensors file.</exception>
    public static SafetensorsFile Read(Stream stream, string name)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(name);
        if (!stream.CanSeek) throw new ArgumentException("the stream must be seekable", nameof(stream));
        long fileLength = stream.Length;
        if (fileLength < 8)
            throw Error(name, $"truncated: the file has {fileLength} bytes, but a safetensors file starts with an 8-byte header length");
        Span<byte> prefix = stackalloc byte[8];
        ReadExactly(stream, prefix, name);
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(prefix);
        if (headerLength > MaxHeaderLength)
            throw Error(name, $"the header length {headerLength} exceeds the limit of {MaxHeaderLength} bytes: the file is corrupt or not a safetensors file");
        if ((long)headerLength > fileLength - 8)
            throw Error(name, $"truncated: the header length is {headerLength} bytes but only {fileLength - 8} bytes follow it");
        if (headerLength < 2)
            throw Error(name, $"the header length {headerLength} is too small for a JSON object");
        byte[] header = new byte[headerLength];
        ReadExactly(stream, header, name);
        if (header[0] != (byte)'{')
            throw Error(name, $"the header does not start with '{{' (found byte 0x{header[0]:X2}): the file is corrupt or not a safetensors file");

        long dataLength = fileLength - 8 - (long)headerLength;
        var (entries, metadata) = ParseHeader(header, name);
        CheckLayout(entries, dataLength, name);

        stream.Position = 8 + (long)headerLength;
        var tensors = new List<KeyValuePair<string, SafetensorsTensor>>(entries.Count);
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            long size = e.End - e.Begin;
            if (size > Array.MaxLength) throw Error(name, $"tensor '{e.Name}' has {size} bytes, more than one array can hold");
            byte[] data = new byte[size];
            ReadExactly(stream, data, name);
            tensors.Add(new(e.Name, new SafetensorsTensor(e.Type, e.Shape, data)));
        }
        return new SafetensorsFile(tensors, metadata);
    }

    private readonly record struct Entry(string Name, SafetensorsDType Type, long[] Shape, long Begin, long End);

    private static (List<Entry> Entries, List<KeyValuePair<string, string>> Metadata) ParseHeader(byte[] header, string name)
    {
        if (!Utf8.IsValid(header))
            throw Error(name, $"the header is not valid UTF-8 text (first bad byte at header offset {FirstInvalidUtf8(header)})");
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(header, new JsonDocumentOptions { MaxDepth = 8 });
        }
        catch (JsonException e)
        {
            throw Error(name, $"the JSON header is invalid: {e.Message}", e);
        }
        using (document)
        try
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object) throw Error(name, "the JSON header is not an object");
            var entries = new List<Entry>();
            var metadata = new List<KeyValuePair<string, string>>();
            var seen = new HashSet<string>(StringComparer.Ordinal);
            foreach (var property in root.EnumerateObject())
            {
                if (!seen.Add(property.Name)) throw Error(name, $"the header has two entries named '{property.Name}'");
                if (property.Name == SafetensorsFile.MetadataKey) metadata = ParseMetadata(property.Value, name);
                else entries.Add(ParseEntry(property.Name, property.Value, name));
            }
            return (entries, metadata);
        }
        catch (InvalidOperationException e)
        {
            // A string that is valid JSON but not valid text, such as an escaped lone surrogate ("\ud800").
            throw Error(name, $"the JSON header holds an invalid string: {e.Message}", e);
        }
    }

    private static int FirstInvalidUtf8(ReadOnlySpan<byte> bytes)
    {
        int at = 0;
        while (at < bytes.Length)
        {
            var status = System.Text.Rune.DecodeFromUtf8(bytes[at..], out _, out int consumed);
            if (status != System.Buffers.OperationStatus.Done) return at;
            at += consumed;
        }
        return at;
    }

    private static List<KeyValuePair<string, string>> ParseMetadata(JsonElement value, string name)
    {
        if (value.ValueKind != JsonValueKind.Object) throw Error(name, $"'{SafetensorsFile.MetadataKey}' must be an object of strings, not {Kind(value)}");
        var result = new List<KeyValuePair<string, string>>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in value.EnumerateObject())
        {
            if (!seen.Add(property.Name)) throw Error(name, $"the metadata has two entries named '{property.Name}'");
            if (property.Value.ValueKind != JsonValueKind.String)
                throw Error(name, $"metadata '{property.Name}' must be a string, not {Kind(property.Value)}");
            result.Add(new(property.Name, property.Value.GetString()!));
        }
        return result;
    }

    private static Entry ParseEntry(string tensor, JsonElement value, string name)
    {
        if (tensor.Length == 0) throw Error(name, "a tensor has an empty name");
        if (value.ValueKind != JsonValueKind.Object) throw Error(name, $"tensor '{tensor}': the entry must be an object, not {Kind(value)}");
        JsonElement? dtype = null, shape = null, offsets = null;
        foreach (var field in value.EnumerateObject())
        {
            switch (field.Name)
            {
                case "dtype" when dtype is null: dtype = field.Value; break;
                case "shape" when shape is null: shape = field.Value; break;
                case "data_offsets" when offsets is null: offsets = field.Value; break;
                case "dtype" or "shape" or "data_offsets": throw Error(name, $"tensor '{tensor}': '{field.Name}' is given twice");
                default: throw Error(name, $"tensor '{tensor}': unexpected field '{field.Name}' (expected dtype, shape and data_offsets)");
            }
        }
        if (dtype is not { ValueKind: JsonValueKind.String } d)
            throw Error(name, $"tensor '{tensor}': 'dtype' is {(dtype is null ? "missing" : "not a string")}");
        if (!SafetensorsDTypes.TryParse(d.GetString()!, out var type))
            throw Error(name, $"tensor '{tensor}': unknown dtype '{d.GetString()}' (known: {SafetensorsDTypes.KnownNames})");
        long[] dims = Integers(shape, "shape", tensor, name, count: null);
        long[] range = Integers(offsets, "data_offsets", tensor, name, count: 2);
        long begin = range[0], end = range[1];
        if (end < begin) throw Error(name, $"tensor '{tensor}': data_offsets [{begin}, {end}] end before they begin");
        long? elements = SafetensorsTensor.ElementCount(dims);
        if (elements is null || elements > long.MaxValue / type.ElementSize())
            throw Error(name, $"tensor '{tensor}': shape [{string.Join(", ", dims)}] has too many elements");
        long bytes = elements.Value * type.ElementSize();
        if (end - begin != bytes)
            throw Error(name, $"tensor '{tensor}': shape [{string.Join(", ", dims)}] of {type.HeaderName()} needs {bytes} bytes, but data_offsets [{begin}, {end}] span {end - begin}");
        return new Entry(tensor, type, dims, begin, end);
    }

    private static long[] Integers(JsonElement? element, string field, string tensor, string name, int? count)
    {
        if (element is not { ValueKind: JsonValueKind.Array } array)
            throw Error(name, $"tensor '{tensor}': '{field}' is {(element is null ? "missing" : "not an array")}");
        int length = array.GetArrayLength();
        if (count is int c && length != c) throw Error(name, $"tensor '{tensor}': '{field}' must have {c} entries, not {length}");
        var result = new long[length];
        int i = 0;
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt64(out long v) || v < 0)
                throw Error(name, $"tensor '{tensor}': '{field}' must hold integers >= 0, but entry {i} is {item.GetRawText()}");
            result[i++] = v;
        }
        return result;
    }

    /// <summary>The tensors must tile [0, dataLength) exactly: no gap, no overlap, nothing past the end or after it.</summary>
    private static void CheckLayout(List<Entry> entries, long dataLength, string name)
    {
        long at = 0;
        string? previous = null;
        foreach (var e in entries.OrderBy(e => e.Begin).ThenBy(e => e.End))
        {
            if (e.Begin > at)
                throw Error(name, $"tensor '{e.Name}' starts at data offset {e.Begin}, leaving a gap of {e.Begin - at} bytes after {(previous is null ? "the header" : $"'{previous}'")}");
            if (e.Begin < at)
                throw Error(name, $"tensor '{e.Name}' (data_offsets [{e.Begin}, {e.End}]) overlaps '{previous}', which ends at {at}");
            if (e.End > dataLength)
                throw Error(name, $"truncated: tensor '{e.Name}' ends at data offset {e.End}, but the data section has only {dataLength} bytes");
            at = e.End;
            previous = e.Name;
        }
        if (at != dataLength)
            throw Error(name, $"{dataLength - at} unexpected bytes after the last tensor (the data section has {dataLength} bytes, the tensors cover {at})");
    }

    private static void ReadExactly(Stream stream, Span<byte> buffer, string name)
    {
        try { stream.ReadExactly(buffer); }
        catch (EndOfStreamException e) { throw Error(name, "truncated: the file ended while it was being read (did it change?)", e); }
    }

    private static string Kind(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        _ => "null",
    };

    private static CheckpointFormatException Error(string name, string problem, Exception? inner = null) => new(name, problem, inner);
}
