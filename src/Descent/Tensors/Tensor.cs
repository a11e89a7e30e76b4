using Descent.Autograd;

namespace Descent.Tensors;

/// <summary>
/// A dense float32 tensor: a shape over a contiguous, row-major run of a storage array.
/// </summary>
/// <remarks>
/// <para>Views (<see cref="Reshape"/>, <see cref="Narrow"/>, <see cref="Detach"/>) share the storage of their
/// source: writing through one is visible through the other, and no data is copied.</para>
/// <para>A tensor with <see cref="RequiresGrad"/> set is tracked by autograd: the operations that consume it record
/// how to differentiate themselves, and <see cref="Backward"/> on a scalar result accumulates d(result)/d(tensor)
/// into <see cref="Grad"/>, as PyTorch does.</para>
/// </remarks>
public sealed partial class Tensor
{
    private float[] _storage;
    private int _offset;
    private bool _requiresGrad;

    /// <summary>Wraps the elements of <paramref name="storage"/> from <paramref name="offset"/> on, without copying.</summary>
    internal Tensor(float[] storage, int offset, Shape shape)
    {
        if ((uint)offset > (uint)storage.Length || storage.Length - offset < shape.Size)
            throw new ArgumentOutOfRangeException(nameof(offset), $"storage of {storage.Length} elements cannot hold {shape} at offset {offset}");
        _storage = storage;
        _offset = offset;
        Shape = shape;
    }

    /// <summary>The dimensions.</summary>
    public Shape Shape { get; }

    /// <summary>The number of elements.</summary>
    public int Length => Shape.Size;

    /// <summary>The number of dimensions.</summary>
    public int Rank => Shape.Rank;

    /// <summary>The elements, row-major. Writing to the span writes the tensor (and every view of it).</summary>
    public Span<float> Span => new(_storage, _offset, Shape.Size);

    /// <summary>The array that holds the elements; they start at <see cref="StorageOffset"/>.</summary>
    public float[] Storage => _storage;

    /// <summary>The index in <see cref="Storage"/> of the first element.</summary>
    public int StorageOffset => _offset;

    /// <summary>An optional name, such as the dotted parameter name "0.weight".</summary>
    public string? Name { get; set; }

    /// <summary>
    /// Whether autograd tracks this tensor. Only a leaf (a tensor made by the user, not by an operation) may have
    /// the flag changed.
    /// </summary>
    public bool RequiresGrad
    {
        get => _requiresGrad;
        set
        {
            if (GradFn is not null)
                throw new InvalidOperationException("RequiresGrad can only be changed on a leaf tensor; use Detach() for a non-leaf.");
            _requiresGrad = value;
        }
    }

    /// <summary>True for a tensor that no tracked operation produced.</summary>
    public bool IsLeaf => GradFn is null;

    /// <summary>The operation that produced this tensor, when autograd tracked it.</summary>
    internal Node? GradFn { get; private set; }

    /// <summary>The buffer that receives this tensor's gradient; kept across <c>ZeroGrad</c> so it can be reused.</summary>
    internal Tensor? GradBuffer { get; private set; }

    /// <summary>Whether <see cref="GradBuffer"/> currently holds a gradient.</summary>
    internal bool HasGrad { get; private set; }

    /// <summary>
    /// The accumulated gradient, or null when none has been computed since the last reset. Setting a tensor copies
    /// it into the existing gradient buffer (so parameters in one flat block stay there); setting null resets.
    /// </summary>
    public Tensor? Grad
    {
        get => HasGrad ? GradBuffer : null;
        set
        {
            if (value is null)
            {
                HasGrad = false;
                return;
            }
            if (value.Shape != Shape)
                throw new ArgumentException($"gradient shape {value.Shape} does not match tensor shape {Shape}", nameof(value));
            if (GradBuffer is null) GradBuffer = value;
            else if (!ReferenceEquals(GradBuffer, value)) value.Span.CopyTo(GradBuffer.Span);
            HasGrad = true;
        }
    }

    /// <summary>
    /// The gradient buffer to write d(loss)/d(this) into. <paramref name="accumulate"/> tells whether it already
    /// holds a gradient that must be added to (true) or may be overwritten (false). Marks the gradient present.
    /// </summary>
    internal Tensor GradForWrite(out bool accumulate)
    {
        GradBuffer ??= IsLeaf ? new Tensor(TensorArena.AllocateOwned(Length), 0, Shape) : Uninitialized(Shape);
        accumulate = HasGrad;
        HasGrad = true;
        return GradBuffer;
    }

    /// <summary>Drops the gradient of a non-leaf after backward, freeing its buffer.</summary>
    internal void ReleaseGrad()
    {
        HasGrad = false;
        GradBuffer = null;
    }

    /// <summary>Points this tensor (and its gradient buffer) at new storage, copying the current values there.</summary>
    internal void Rebind(float[] storage, int offset, float[]? gradStorage, int gradOffset)
    {
        if (storage.Length - offset < Length) throw new ArgumentOutOfRangeException(nameof(offset));
        Span.CopyTo(storage.AsSpan(offset, Length));
        _storage = storage;
        _offset = offset;
        if (gradStorage is not null)
        {
            var grad = new Tensor(gradStorage, gradOffset, Shape);
            if (HasGrad && GradBuffer is not null) GradBuffer.Span.CopyTo(grad.Span);
            GradBuffer = grad;
        }
    }

    /// <summary>Records that <paramref name="node"/> produced this tensor.</summary>
    internal void SetGradFn(Node node)
    {
        GradFn = node;
        _requiresGrad = true;
    }

    /// <summary>The single value of a one-element tensor.</summary>
    public float Item()
    {
        if (Length != 1) throw new InvalidOperationException($"Item() needs a tensor of one element, this one has shape {Shape}");
        return _storage[_offset];
    }

    /// <summary>A copy of the elements, row-major.</summary>
    public float[] ToArray() => Span.ToArray();

    /// <summary>The element at row-major <paramref name="indices"/>.</summary>
    [System.Runtime.CompilerServices.IndexerName("Element")]
    public float this[params int[] indices]
    {
        get => _storage[_offset + FlatIndex(indices)];
        set => _storage[_offset + FlatIndex(indices)] = value;
    }

    private int FlatIndex(int[] indices)
    {
        if (indices.Length != Rank) throw new ArgumentException($"expected {Rank} indices for shape {Shape}, got {indices.Length}", nameof(indices));
        int flat = 0;
        for (int i = 0; i < indices.Length; i++)
        {
            if ((uint)indices[i] >= (uint)Shape[i])
                throw new IndexOutOfRangeException($"index {indices[i]} is out of range for dimension {i} of shape {Shape}");
            flat = flat * Shape[i] + indices[i];
        }
        return flat;
    }

    /// <summary>A short description: shape, and the values when there are few.</summary>
    public override string ToString()
    {
        string values = Length <= 8 ? $" [{string.Join(", ", ToArray())}]" : "";
        return $"Tensor{Shape}{values}{(RequiresGrad ? " requires_grad" : "")}";
    }
}
