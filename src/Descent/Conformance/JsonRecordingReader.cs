using System.Text.Json;

namespace Descent.Conformance;

/// <summary>
/// What the recording readers share: reading the file, parsing the JSON, and checking the type of every value with
/// its JSON path, so that an error names the file and the place in it.
/// </summary>
internal abstract class JsonRecordingReader(string file)
{
    /// <summary>The file named in errors.</summary>
    protected string File { get; } = file;

    /// <summary>The bytes of <paramref name="path"/>, without a UTF-8 byte order mark.</summary>
    public static ReadOnlyMemory<byte> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        byte[] bytes;
        try { bytes = System.IO.File.ReadAllBytes(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new FileNotFoundException($"{path}: no such file", path, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"{path}: cannot be read: {e.Message}", e);
        }
        return bytes.AsSpan().StartsWith("\uFEFF"u8) ? bytes.AsMemory(3) : bytes;
    }

    /// <summary>Parses <paramref name="utf8Json"/>; a syntax error names the file, the JSON path and the 1-based line.</summary>
    public static JsonDocument ParseDocument(ReadOnlyMemory<byte> utf8Json, string path, int maxDepth)
    {
        try { return JsonDocument.Parse(utf8Json, new JsonDocumentOptions { MaxDepth = maxDepth }); }
        catch (JsonException e)
        {
            // The message ends with its own 0-based " LineNumber: … | BytePositionInLine: …."; state it 1-based once.
            string message = e.Message;
            int suffix = message.IndexOf(" LineNumber:", StringComparison.Ordinal);
            if (suffix > 0) message = message[..suffix];
            throw new RecordingFormatException(path, PathAtSyntaxError(utf8Json.Span, maxDepth),
                $"is not valid JSON at line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}: {message}", e);
        }
    }

    /// <summary>One open object or array while locating a syntax error.</summary>
    private sealed class Frame(bool isArray)
    {
        public bool IsArray { get; } = isArray;

        public int Index { get; set; } = -1;

        public string? Property { get; set; }
    }

    /// <summary>
    /// The JSON path of the value being read where <paramref name="json"/> stops being valid JSON (JsonDocument does
    /// not say), found by reading it again token by token: for a file cut short, the last value it holds.
    /// </summary>
    private static string PathAtSyntaxError(ReadOnlySpan<byte> json, int maxDepth)
    {
        var frames = new List<Frame>();
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.PropertyName:
                        frames[^1].Property = reader.GetString();
                        break;
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
                        frames.Add(new Frame(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        frames.RemoveAt(frames.Count - 1);
                        break;
                    default:
                        if (frames.Count > 0 && frames[^1].IsArray) frames[^1].Index++;
                        break;
                }
            }
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
            // Where it stopped is what we want.
        }
        var path = new System.Text.StringBuilder("$");
        for (int i = 0; i < frames.Count; i++)
        {
            var f = frames[i];
            // In the innermost array the failure is in the element after the last one read.
            if (f.IsArray) path.Append('[').Append(Math.Max(0, i == frames.Count - 1 ? f.Index + 1 : f.Index)).Append(']');
            else if (f.Property is { } name) path.Append(Member(name));
        }
        return path.ToString();
    }

    /// <summary><c>.name</c>, or <c>['name']</c> when the name is not a plain identifier.</summary>
    protected static string Member(string name) =>
        name.Length > 0 && !char.IsDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_') ? "." + name : $"['{name.Replace("'", "\\'", StringComparison.Ordinal)}']";

    /// <summary>The items of an array, each read by <paramref name="item"/> with its own path.</summary>
    protected List<T> List<T>(JsonElement e, string at, Func<JsonElement, string, T> item)
    {
        Expect(e, JsonValueKind.Array, at);
        var result = new List<T>(e.GetArrayLength());
        int i = 0;
        foreach (var x in e.EnumerateArray()) result.Add(item(x, $"{at}[{i++}]"));
        return result;
    }

    /// <summary>A property that must be present.</summary>
    protected JsonElement Required(JsonElement obj, string name, string at) =>
        obj.TryGetProperty(name, out var value) ? value : throw Error(at, $"has no \"{name}\"");

    /// <summary>A property that may be absent (or null).</summary>
    protected static JsonElement? Optional(JsonElement obj, string name) =>
        obj.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? value : null;

    /// <summary>A JSON string.</summary>
    protected string String(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw Error(at, $"must be a string, got {Describe(e)}");

    /// <summary>A finite JSON number, as a double.</summary>
    protected double Number(JsonElement e, string at) =>
        e.ValueKind == JsonValueKind.Number && e.TryGetDouble(out double d) && double.IsFinite(d) ? d
            : throw Error(at, $"must be a finite number, got {Describe(e)}");

    /// <summary>An array of float32 values, each parsed directly to the nearest float32.</summary>
    protected float[] Floats(JsonElement e, string at)
    {
        Expect(e, JsonValueKind.Array, at);
        var result = new float[e.GetArrayLength()];
        int i = 0;
        foreach (var x in e.EnumerateArray())
        {
            if (x.ValueKind != JsonValueKind.Number || !x.TryGetSingle(out float f) || !float.IsFinite(f))
                throw Error($"{at}[{i}]", $"must be a finite float32 number, got {Describe(x)}");
            result[i++] = f;
        }
        return result;
    }

    /// <summary>An array of finite numbers.</summary>
    protected double[] Numbers(JsonElement e, string at) => List(e, at, Number).ToArray();

    /// <summary>Requires an object or an array.</summary>
    protected void Expect(JsonElement e, JsonValueKind kind, string at)
    {
        if (e.ValueKind != kind) throw Error(at, $"must be {(kind == JsonValueKind.Array ? "an array" : "an object")}, got {Describe(e)}");
    }

    /// <summary>The kind and (the start of) the text of a value, for messages.</summary>
    protected static string Describe(JsonElement e)
    {
        string raw = e.GetRawText();
        if (raw.Length > 40) raw = raw[..37] + "...";
        return $"{e.ValueKind.ToString().ToLowerInvariant()} {raw}";
    }

    /// <summary>The error for a problem at <paramref name="at"/>.</summary>
    protected RecordingFormatException Error(string at, string problem) => new(File, at, problem);
}
