using System.Globalization;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Checkpoints;

/// <summary>
/// A model's weights, optionally its optimizer's state, and string metadata, saved as one safetensors file that
/// PyTorch can read (<c>safetensors.torch.load_file</c>) and that Descent verifies when it loads it.
/// </summary>
/// <remarks>
/// <para>Layout of the file:</para>
/// <list type="bullet">
/// <item>Model parameters and buffers as F32 tensors under their dotted names ("0.weight",
/// "0.running_mean"), exactly as PyTorch's <c>state_dict()</c> names them.</item>
/// <item>Optimizer state under <see cref="OptimizerPrefix"/>: each buffer as F32 "optim.&lt;parameter&gt;.&lt;buffer&gt;"
/// (such as "optim.0.weight.exp_avg"), each parameter's step count as an I64 scalar
/// "optim.&lt;parameter&gt;.step", and each per-parameter scalar (ASGD's eta and mu, NAdam's mu_product) as an F64
/// scalar "optim.&lt;parameter&gt;.&lt;name&gt;" — the element type tells which is which. Optimizer-wide state (LBFGS's
/// direction and curvature history) is under <see cref="OptimizerGlobalPrefix"/>: each tensor as F32
/// "optim.@global.&lt;name&gt;" with its own shape (such as "optim.@global.old_dirs", [k, numel]) and each scalar as
/// an F64 scalar (such as "optim.@global.n_iter"); checkpoints without such entries read as before. The optimizer's
/// class name is in the metadata under "optim.type".</item>
/// <item>Other state the caller adds, under <see cref="ExtraPrefix"/> (a training run stores its data loader's
/// sample order there).</item>
/// <item>Metadata: "format" = "descent-checkpoint", "format_version" = "1", the caller's entries, and
/// "checksum" (see <see cref="CheckpointChecksum"/>), verified by <see cref="Load"/>.</item>
/// </list>
/// <para>
/// <see cref="Save"/> replaces the file atomically (see <see cref="AtomicFile"/>), so a crash leaves the previous
/// file intact. <see cref="Load"/> rejects a file that is truncated, corrupt or not a Descent checkpoint with a
/// <see cref="CheckpointFormatException"/> naming it; <see cref="ApplyTo(Module)"/> and
/// <see cref="ApplyTo(Optimizer)"/> refuse a checkpoint of another model or optimizer with a
/// <see cref="CheckpointMismatchException"/> naming every mismatching entry, changing nothing.
/// </para>
/// </remarks>
public sealed class Checkpoint
{
    /// <summary>The value of the "format" metadata.</summary>
    public const string FormatName = "descent-checkpoint";

    /// <summary>The version of the layout, in "format_version".</summary>
    public const int FormatVersion = 1;

    /// <summary>The name prefix of optimizer state entries.</summary>
    public const string OptimizerPrefix = "optim.";

    /// <summary>
    /// The name prefix of optimizer-wide state entries ("optim.@global.&lt;name&gt;"); no parameter name may start
    /// with "@global".
    /// </summary>
    public const string OptimizerGlobalPrefix = OptimizerPrefix + GlobalMarker + ".";

    private const string GlobalMarker = "@global";

    /// <summary>The name prefix of caller-defined extra tensors.</summary>
    public const string ExtraPrefix = "extra.";

    /// <summary>The metadata key of the optimizer's class name.</summary>
    public const string OptimizerTypeKey = "optim.type";

    private const string FormatKey = "format";
    private const string VersionKey = "format_version";
    private const string StepEntry = "step";
    private static readonly string[] ReservedKeys = [FormatKey, VersionKey, CheckpointChecksum.MetadataKey, OptimizerTypeKey];

    private readonly SafetensorsFile _file;

    private Checkpoint(string path, SafetensorsFile file)
    {
        Path = path;
        _file = file;
    }

    /// <summary>The file the checkpoint was loaded from.</summary>
    public string Path { get; }

    /// <summary>All metadata, including "format", "format_version", "checksum" and "optim.type".</summary>
    public IReadOnlyDictionary<string, string> Metadata => _file.Metadata;

    /// <summary>Every tensor of the file by name: weights, optimizer state and extras.</summary>
    public IReadOnlyDictionary<string, SafetensorsTensor> Tensors => _file.Tensors;

    /// <summary>The model's tensors (parameters and buffers), by name, in file order.</summary>
    public IEnumerable<KeyValuePair<string, SafetensorsTensor>> Weights => _file.InOrder().Where(t => IsWeight(t.Key));

    /// <summary>The optimizer's class name, or null when the checkpoint holds no optimizer state.</summary>
    public string? OptimizerType => _file.Metadata.GetValueOrDefault(OptimizerTypeKey);

    /// <summary>The extra tensor <c>extra.&lt;name&gt;</c>, or null.</summary>
    public SafetensorsTensor? Extra(string name) => _file.Tensors.GetValueOrDefault(ExtraPrefix + name);

    /// <summary>
    /// Saves <paramref name="model"/>'s parameters and buffers, <paramref name="optimizer"/>'s state when given,
    /// <paramref name="metadata"/> and <paramref name="extras"/> (names without the "extra." prefix) to
    /// <paramref name="path"/>, atomically.
    /// </summary>
    /// <exception cref="ArgumentException">A metadata key is reserved, or names collide.</exception>
    /// <exception cref="CheckpointWriteException">The file could not be written; any previous file at the path is unchanged.</exception>
    public static void Save(string path, Module model, Optimizer? optimizer = null,
        IReadOnlyDictionary<string, string>? metadata = null, IReadOnlyDictionary<string, SafetensorsTensor>? extras = null) =>
        SaveWith(path, model, optimizer, metadata, extras, open: null);

    /// <summary>As the public overload; <paramref name="open"/> opens the temporary file (a seam for failure tests).</summary>
    internal static void SaveWith(string path, Module model, Optimizer? optimizer, IReadOnlyDictionary<string, string>? metadata,
        IReadOnlyDictionary<string, SafetensorsTensor>? extras, Func<string, Stream>? open)
    {
        var file = Build(model, optimizer, metadata, extras);
        AtomicFile.Write(path, stream => SafetensorsWriter.Write(stream, file), open);
    }

    /// <summary>The bytes <see cref="Save"/> would write: the size of a checkpoint of this state.</summary>
    public static long SizeOf(Module model, Optimizer? optimizer = null, IReadOnlyDictionary<string, string>? metadata = null,
        IReadOnlyDictionary<string, SafetensorsTensor>? extras = null) =>
        SafetensorsWriter.Size(Build(model, optimizer, metadata, extras));

    private static SafetensorsFile Build(Module model, Optimizer? optimizer, IReadOnlyDictionary<string, string>? metadata,
        IReadOnlyDictionary<string, SafetensorsTensor>? extras)
    {
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new List<KeyValuePair<string, SafetensorsTensor>>();
        foreach (var (name, tensor) in ModelEntries(model))
        {
            if (!IsWeight(name))
                throw new ArgumentException($"model entry '{name}' starts with a reserved prefix ('{OptimizerPrefix}' or '{ExtraPrefix}')", nameof(model));
            tensors.Add(new(name, SafetensorsTensor.FromFloats(tensor.Span, tensor.Shape.ToArray())));
        }
        var meta = new List<KeyValuePair<string, string>>
        {
            new(FormatKey, FormatName),
            new(VersionKey, FormatVersion.ToString(CultureInfo.InvariantCulture)),
        };
        if (optimizer is not null)
        {
            meta.Add(new(OptimizerTypeKey, optimizer.GetType().Name));
            foreach (var group in optimizer.ParamGroups)
                foreach (var p in group.Parameters)
                    if (p.Name == GlobalMarker || p.Name.StartsWith(GlobalMarker + ".", StringComparison.Ordinal))
                        throw new ArgumentException($"parameter name '{p.Name}' collides with the optimizer-wide state prefix '{OptimizerGlobalPrefix}'", nameof(optimizer));
            var state = optimizer.StateDict();
            foreach (var (name, step) in state.Steps)
                tensors.Add(new(OptimizerPrefix + name + "." + StepEntry, SafetensorsTensor.Scalar(step)));
            foreach (var (key, buffer) in state.Buffers)
            {
                if (key.EndsWith("." + StepEntry, StringComparison.Ordinal))
                    throw new ArgumentException($"optimizer buffer '{key}' collides with the step count entry", nameof(optimizer));
                tensors.Add(new(OptimizerPrefix + key, SafetensorsTensor.FromFloats(buffer.Span, buffer.Shape.ToArray())));
            }
            foreach (var (key, value) in state.Scalars)
                tensors.Add(new(OptimizerPrefix + key, SafetensorsTensor.Scalar(value)));
            foreach (var (key, buffer) in state.GlobalBuffers)
                tensors.Add(new(OptimizerGlobalPrefix + key, SafetensorsTensor.FromFloats(buffer.Span, buffer.Shape.ToArray())));
            foreach (var (key, value) in state.GlobalScalars)
                tensors.Add(new(OptimizerGlobalPrefix + key, SafetensorsTensor.Scalar(value)));
        }
        foreach (var (name, tensor) in extras ?? new Dictionary<string, SafetensorsTensor>())
            tensors.Add(new(ExtraPrefix + name, tensor));
        foreach (var (key, value) in metadata ?? new Dictionary<string, string>())
        {
            if (ReservedKeys.Contains(key)) throw new ArgumentException($"metadata key '{key}' is reserved", nameof(metadata));
            meta.Add(new(key, value));
        }
        var unsigned = new SafetensorsFile(tensors, meta);
        meta.Add(new(CheckpointChecksum.MetadataKey, CheckpointChecksum.Compute(unsigned.Tensors, unsigned.Metadata)));
        return new SafetensorsFile(tensors, meta);
    }

    /// <summary>
    /// Reads and verifies the checkpoint at <paramref name="path"/>: a valid safetensors file, marked as a Descent
    /// checkpoint of a known version, whose checksum matches.
    /// </summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="CheckpointFormatException">The file is truncated, corrupt or not a Descent checkpoint.</exception>
    public static Checkpoint Load(string path)
    {
        var file = SafetensorsReader.Read(path);
        var meta = file.Metadata;
        if (!meta.TryGetValue(FormatKey, out var format) || format != FormatName)
            throw new CheckpointFormatException(path, format is null
                ? "not a Descent checkpoint: the metadata has no 'format' entry (read plain safetensors files with SafetensorsReader)"
                : $"not a Descent checkpoint: its format is '{format}', expected '{FormatName}'");
        if (!meta.TryGetValue(VersionKey, out var version) || version != FormatVersion.ToString(CultureInfo.InvariantCulture))
            throw new CheckpointFormatException(path, $"unsupported checkpoint version '{version}'; this Descent reads version {FormatVersion}");
        if (!meta.TryGetValue(CheckpointChecksum.MetadataKey, out var stored))
            throw new CheckpointFormatException(path, "the metadata has no checksum; the file cannot be verified");
        string actual = CheckpointChecksum.Compute(file.Tensors, meta);
        if (!string.Equals(stored, actual, StringComparison.Ordinal))
            throw new CheckpointFormatException(path, $"checksum mismatch: the file is corrupt (stored {Short(stored)}, computed {Short(actual)})");
        return new Checkpoint(path, file);
    }

    /// <summary>
    /// Copies the weights into <paramref name="model"/>'s parameters and buffers. Every parameter and buffer must be
    /// in the checkpoint with its shape, and the checkpoint must hold nothing else; otherwise a
    /// <see cref="CheckpointMismatchException"/> lists every difference and the model is unchanged.
    /// </summary>
    public void ApplyTo(Module model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var expected = ModelEntries(model).ToDictionary(e => e.Name, e => e.Value, StringComparer.Ordinal);
        var differences = new List<string>();
        foreach (var (name, tensor) in expected)
        {
            if (!_file.Tensors.TryGetValue(name, out var stored)) differences.Add($"'{name}' {tensor.Shape} is missing from the checkpoint");
            else if (stored.DType != SafetensorsDType.F32) differences.Add($"'{name}' is {stored.DType.HeaderName()}, not F32");
            else if (!stored.HasShape(tensor.Shape.Dims)) differences.Add($"'{name}' has shape {stored.ShapeText} in the checkpoint, {tensor.Shape} in the model");
        }
        foreach (var (name, stored) in Weights)
            if (!expected.ContainsKey(name)) differences.Add($"'{name}' {stored.ShapeText} is in the checkpoint but not in the model");
        if (differences.Count > 0) throw new CheckpointMismatchException(Path, "was written for a different model", differences);
        foreach (var (name, tensor) in expected) _file.Tensors[name].ToFloats().CopyTo(tensor.Span);
    }

    /// <summary>
    /// Restores <paramref name="optimizer"/>'s state (buffers, scalars, per-parameter step counts and optimizer-wide
    /// state). The checkpoint
    /// must hold state of the same optimizer class for parameters of this optimizer with their shapes; otherwise a
    /// <see cref="CheckpointMismatchException"/> lists every difference and the optimizer is unchanged.
    /// </summary>
    public void ApplyTo(Optimizer optimizer)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        string type = optimizer.GetType().Name;
        if (OptimizerType is not { } stored)
            throw new CheckpointMismatchException(Path, $"holds no optimizer state (it was saved without an optimizer), so the {type} cannot be restored", []);
        if (stored != type)
            throw new CheckpointMismatchException(Path, "was written for a different optimizer", [$"optimizer: the checkpoint holds {stored} state, this optimizer is {type}"]);
        var shapes = optimizer.ParamGroups.SelectMany(g => g.Parameters).ToDictionary(p => p.Name, p => p.Value.Shape, StringComparer.Ordinal);
        var dict = new OptimizerStateDict();
        var differences = new List<string>();
        var entries = _file.InOrder().Where(t => t.Key.StartsWith(OptimizerPrefix, StringComparison.Ordinal)).ToList();
        foreach (var (key, tensor) in entries)
        {
            if (key.StartsWith(OptimizerGlobalPrefix, StringComparison.Ordinal))
            {
                string name = key[OptimizerGlobalPrefix.Length..];
                if (name.Length == 0) differences.Add($"'{key}' does not name an optimizer-wide entry");
                else if (tensor.DType == SafetensorsDType.F64 && tensor.Shape.Count == 0) dict.GlobalScalars[name] = tensor.ToDoubles()[0];
                else if (tensor.DType == SafetensorsDType.F32 && tensor.Shape.All(n => n is > 0 and <= int.MaxValue))
                    dict.GlobalBuffers[name] = Descent.Tensors.Tensor.FromArray(tensor.ToFloats(), tensor.Shape.Select(n => (int)n).ToArray());
                else differences.Add($"'{key}' is a {tensor.DType.HeaderName()} tensor of shape {tensor.ShapeText}, which is not optimizer-wide state (F32 tensor or F64 scalar)");
                continue;
            }
            string rest = key[OptimizerPrefix.Length..];
            int dot = rest.LastIndexOf('.');
            if (dot <= 0 || dot == rest.Length - 1)
            {
                differences.Add($"'{key}' does not name a parameter and an entry");
                continue;
            }
            string parameter = rest[..dot], entry = rest[(dot + 1)..];
            if (!shapes.TryGetValue(parameter, out var shape))
            {
                differences.Add($"'{key}' is state of parameter '{parameter}', which this optimizer does not have");
                continue;
            }
            switch (tensor.DType)
            {
                case SafetensorsDType.I64 when entry == StepEntry && tensor.Shape.Count == 0:
                    long step = tensor.ToInt64s()[0];
                    if (step < 0) differences.Add($"'{key}' is a negative step count ({step})");
                    else dict.Steps[parameter] = step;
                    break;
                case SafetensorsDType.F32:
                    var bufferShape = optimizer.ExpectedBufferShape(parameter, entry);
                    if (!tensor.HasShape(bufferShape.Dims))
                        differences.Add(bufferShape == shape ? $"'{key}' has shape {tensor.ShapeText}, parameter '{parameter}' has shape {shape}"
                            : $"'{key}' has shape {tensor.ShapeText}; for parameter '{parameter}' of shape {shape} it must have shape {bufferShape}");
                    else dict.Buffers[rest] = Descent.Tensors.Tensor.FromArray(tensor.ToFloats(), bufferShape.ToArray());
                    break;
                case SafetensorsDType.F64 when tensor.Shape.Count == 0:
                    dict.Scalars[rest] = tensor.ToDoubles()[0];
                    break;
                default:
                    differences.Add($"'{key}' is a {tensor.DType.HeaderName()} tensor of shape {tensor.ShapeText}, which is not optimizer state (F32 buffer, I64 step or F64 scalar)");
                    break;
            }
        }
        foreach (var key in dict.Buffers.Keys.Concat(dict.Scalars.Keys))
        {
            string parameter = key[..key.LastIndexOf('.')];
            if (!dict.Steps.ContainsKey(parameter)) differences.Add($"'{OptimizerPrefix}{key}' has no step count '{OptimizerPrefix}{parameter}.{StepEntry}'");
        }
        if (differences.Count > 0) throw new CheckpointMismatchException(Path, "holds optimizer state that does not fit this optimizer", differences);
        try { optimizer.LoadStateDict(dict); }
        catch (ArgumentException e)
        {
            throw new CheckpointMismatchException(Path, "holds optimizer state that does not fit this optimizer", [InvalidOptionException.Describe(e)]);
        }
    }

    /// <summary>Parameters, then buffers, with their dotted names: what a checkpoint stores for a model.</summary>
    private static IEnumerable<(string Name, Descent.Tensors.Tensor Value)> ModelEntries(Module model) =>
        model.NamedParameters().Select(p => (p.Name, p.Value)).Concat(model.NamedBuffers());

    private static bool IsWeight(string name) =>
        !name.StartsWith(OptimizerPrefix, StringComparison.Ordinal) && !name.StartsWith(ExtraPrefix, StringComparison.Ordinal);

    private static string Short(string checksum) => checksum.Length > 19 ? checksum[..19] + "…" : checksum;
}
