namespace Descent.Checkpoints;

/// <summary>
/// The contents of a safetensors file: named tensors in file order and string metadata. Read one with
/// <see cref="SafetensorsReader"/>, write one with <see cref="SafetensorsWriter"/>.
/// </summary>
/// <remarks>
/// <para>
/// The format (huggingface/safetensors) is an 8-byte little-endian unsigned header length N, then N bytes of UTF-8
/// JSON, then the data section. The JSON maps each tensor name to <c>{"dtype": "F32", "shape": [2, 3],
/// "data_offsets": [begin, end]}</c>, offsets relative to the data section, which the tensors must cover exactly,
/// without gaps or overlaps. An optional <c>"__metadata__"</c> entry maps strings to strings. Data is row-major and
/// little-endian. PyTorch users read such a file with <c>safetensors.torch.load_file</c>.
/// </para>
/// </remarks>
public sealed class SafetensorsFile
{
    /// <summary>The reserved header key holding the metadata.</summary>
    public const string MetadataKey = "__metadata__";

    private readonly List<string> _names = [];
    private readonly Dictionary<string, SafetensorsTensor> _tensors = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _metadata = new(StringComparer.Ordinal);

    /// <summary>Collects <paramref name="tensors"/> (in this order) and <paramref name="metadata"/>.</summary>
    /// <exception cref="ArgumentException">A name is empty, reserved or used twice, or a metadata value is null.</exception>
    public SafetensorsFile(IEnumerable<KeyValuePair<string, SafetensorsTensor>> tensors, IEnumerable<KeyValuePair<string, string>>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        foreach (var (name, tensor) in tensors)
        {
            if (string.IsNullOrEmpty(name)) throw new ArgumentException("a tensor name must not be empty", nameof(tensors));
            if (name == MetadataKey) throw new ArgumentException($"'{MetadataKey}' is reserved for the metadata", nameof(tensors));
            ArgumentNullException.ThrowIfNull(tensor, nameof(tensors));
            if (!_tensors.TryAdd(name, tensor)) throw new ArgumentException($"tensor name '{name}' is used twice", nameof(tensors));
            _names.Add(name);
        }
        foreach (var (key, value) in metadata ?? [])
        {
            ArgumentNullException.ThrowIfNull(key, nameof(metadata));
            if (value is null) throw new ArgumentException($"metadata '{key}' has no value", nameof(metadata));
            if (!_metadata.TryAdd(key, value)) throw new ArgumentException($"metadata key '{key}' is used twice", nameof(metadata));
        }
    }

    /// <summary>The tensor names, in file order.</summary>
    public IReadOnlyList<string> Names => _names;

    /// <summary>The tensors by name.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensor> Tensors => _tensors;

    /// <summary>The metadata (empty when the file has none).</summary>
    public IReadOnlyDictionary<string, string> Metadata => _metadata;

    /// <summary>The tensor called <paramref name="name"/>.</summary>
    /// <exception cref="KeyNotFoundException">There is no such tensor; the message names it.</exception>
    public SafetensorsTensor this[string name] =>
        _tensors.TryGetValue(name, out var t) ? t : throw new KeyNotFoundException($"no tensor named '{name}'");

    /// <summary>The tensors in file order.</summary>
    public IEnumerable<KeyValuePair<string, SafetensorsTensor>> InOrder() =>
        _names.Select(n => new KeyValuePair<string, SafetensorsTensor>(n, _tensors[n]));
}
