using System.Globalization;
using System.Text;

namespace Descent.Tests.Checkpoints;

/// <summary>
/// An independent reader of the safetensors format, written from the format's description only (8-byte
/// little-endian header length, a JSON header of dtype/shape/data_offsets entries and string metadata, then the raw
/// data), with its own small JSON parser: it shares no code with the library's reader, so a file it accepts is what
/// another implementation (such as safetensors.torch.load_file) would accept.
/// </summary>
internal static class MinimalSafetensors
{
    public sealed record Entry(string DType, long[] Shape, long Begin, long End, byte[] Data);

    public sealed record Contents(Dictionary<string, Entry> Tensors, Dictionary<string, string> Metadata, long HeaderLength);

    public static Contents Read(byte[] file)
    {
        if (file.Length < 8) throw new FormatException("shorter than the length prefix");
        ulong n = 0;
        for (int i = 7; i >= 0; i--) n = (n << 8) | file[i];
        if (n > (ulong)(file.Length - 8)) throw new FormatException("header longer than the file");
        string json = Encoding.UTF8.GetString(file, 8, (int)n);
        var parser = new Json(json);
        var root = parser.ParseDocument() as Dictionary<string, object> ?? throw new FormatException("header is not an object");
        long dataStart = 8 + (long)n;
        var tensors = new Dictionary<string, Entry>();
        var metadata = new Dictionary<string, string>();
        foreach (var (key, value) in root)
        {
            var fields = (Dictionary<string, object>)value;
            if (key == "__metadata__")
            {
                foreach (var (k, v) in fields) metadata[k] = (string)v;
                continue;
            }
            string dtype = (string)fields["dtype"];
            long[] shape = ((List<object>)fields["shape"]).Select(x => (long)x).ToArray();
            var offsets = ((List<object>)fields["data_offsets"]).Select(x => (long)x).ToArray();
            if (offsets.Length != 2 || offsets[0] > offsets[1] || dataStart + offsets[1] > file.Length) throw new FormatException($"bad offsets for {key}");
            long size = dtype switch { "F64" or "I64" or "U64" => 8, "F32" or "I32" or "U32" => 4, "F16" or "BF16" or "I16" or "U16" => 2, _ => 1 };
            if (shape.Aggregate(1L, (a, b) => a * b) * size != offsets[1] - offsets[0]) throw new FormatException($"size mismatch for {key}");
            tensors[key] = new Entry(dtype, shape, offsets[0], offsets[1], file[(int)(dataStart + offsets[0])..(int)(dataStart + offsets[1])]);
        }
        return new Contents(tensors, metadata, (long)n);
    }

    public static float[] Floats(Entry e)
    {
        if (e.DType != "F32") throw new FormatException(e.DType);
        var result = new float[e.Data.Length / 4];
        for (int i = 0; i < result.Length; i++)
            result[i] = BitConverter.Int32BitsToSingle(e.Data[4 * i] | e.Data[4 * i + 1] << 8 | e.Data[4 * i + 2] << 16 | e.Data[4 * i + 3] << 24);
        return result;
    }

    public static long Int64(Entry e)
    {
        if (e.DType != "I64" || e.Data.Length != 8) throw new FormatException(e.DType);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | e.Data[i];
        return v;
    }

    public static double Float64(Entry e)
    {
        if (e.DType != "F64" || e.Data.Length != 8) throw new FormatException(e.DType);
        long v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | e.Data[i];
        return BitConverter.Int64BitsToDouble(v);
    }

    /// <summary>Just enough JSON: objects, arrays, strings (with escapes), integers; trailing spaces allowed.</summary>
    private sealed class Json(string text)
    {
        private int _at;

        public object ParseDocument()
        {
            var value = Value();
            Spaces();
            if (_at != text.Length) throw new FormatException($"trailing characters at {_at}");
            return value;
        }

        private object Value()
        {
            Spaces();
            char c = text[_at];
            if (c == '{') return Object();
            if (c == '[') return Array();
            if (c == '"') return String();
            if (c == '-' || char.IsAsciiDigit(c)) return Number();
            throw new FormatException($"unexpected '{c}' at {_at}");
        }

        private Dictionary<string, object> Object()
        {
            var result = new Dictionary<string, object>();
            _at++;
            Spaces();
            if (text[_at] == '}') { _at++; return result; }
            while (true)
            {
                Spaces();
                string key = String();
                Spaces();
                Expect(':');
                result.Add(key, Value());
                Spaces();
                if (text[_at] == ',') { _at++; continue; }
                Expect('}');
                return result;
            }
        }

        private List<object> Array()
        {
            var result = new List<object>();
            _at++;
            Spaces();
            if (text[_at] == ']') { _at++; return result; }
            while (true)
            {
                result.Add(Value());
                Spaces();
                if (text[_at] == ',') { _at++; continue; }
                Expect(']');
                return result;
            }
        }

        private string String()
        {
            Expect('"');
            var sb = new StringBuilder();
            while (text[_at] != '"')
            {
                char c = text[_at++];
                if (c != '\\') { sb.Append(c); continue; }
                char e = text[_at++];
                sb.Append(e switch
                {
                    'n' => '\n', 't' => '\t', 'r' => '\r', 'b' => '\b', 'f' => '\f', '/' => '/', '\\' => '\\', '"' => '"',
                    'u' => (char)int.Parse(text.AsSpan(_at, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                    _ => throw new FormatException($"bad escape at {_at}"),
                });
                if (e == 'u') _at += 4;
            }
            _at++;
            return sb.ToString();
        }

        private long Number()
        {
            int start = _at;
            if (text[_at] == '-') _at++;
            while (_at < text.Length && char.IsAsciiDigit(text[_at])) _at++;
            return long.Parse(text.AsSpan(start, _at - start), CultureInfo.InvariantCulture);
        }

        private void Spaces()
        {
            while (_at < text.Length && text[_at] is ' ' or '\n' or '\r' or '\t') _at++;
        }

        private void Expect(char c)
        {
            if (text[_at] != c) throw new FormatException($"expected '{c}' at {_at}, found '{text[_at]}'");
            _at++;
        }
    }
}
