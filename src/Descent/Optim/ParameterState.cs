using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// What an optimizer keeps for one parameter: named buffers (such as "exp_avg") and the number of updates the
/// parameter has received (PyTorch's per-parameter <c>state["step"]</c>).
/// </summary>
public sealed class ParameterState
{
    private readonly Dictionary<string, Tensor> _buffers = [];
    private readonly Dictionary<string, double> _scalars = [];
    private readonly Shape _shape;

    internal ParameterState(Shape shape) => _shape = shape;

    /// <summary>The number of updates applied to the parameter.</summary>
    public long Step { get; set; }

    /// <summary>The buffers by name.</summary>
    public IReadOnlyDictionary<string, Tensor> Buffers => _buffers;

    /// <summary>Per-parameter scalars (such as ASGD's "eta" and "mu", NAdam's "mu_product"), by name.</summary>
    public IReadOnlyDictionary<string, double> Scalars => _scalars;

    /// <summary>True before the first update: no buffer or scalar exists and the step count is 0.</summary>
    public bool IsEmpty => Step == 0 && _buffers.Count == 0 && _scalars.Count == 0;

    /// <summary>The scalar <paramref name="name"/>, or <paramref name="initialValue"/> (stored) on first use.</summary>
    public double Scalar(string name, double initialValue)
    {
        if (!_scalars.TryGetValue(name, out var value)) _scalars[name] = value = initialValue;
        return value;
    }

    /// <summary>Sets the scalar <paramref name="name"/>.</summary>
    public void SetScalar(string name, double value) => _scalars[name] = value;

    /// <summary>
    /// The buffer <paramref name="name"/>, created with every element equal to <paramref name="initialValue"/> on
    /// first use, with the parameter's shape. Its storage is its own even when created during a training step with a
    /// <see cref="TensorArena"/> active (SAM's "old_p", made between its two evaluations): the arena would hand it out
    /// again to the next step's temporaries.
    /// </summary>
    public Tensor Buffer(string name, float initialValue = 0f)
    {
        if (!_buffers.TryGetValue(name, out var buffer))
        {
            buffer = Tensor.FullOwned(initialValue, _shape);   // never from the trainer's arena: it outlives the step
            _buffers[name] = buffer;
        }
        return buffer;
    }

    /// <summary>
    /// The buffer <paramref name="name"/> of shape <paramref name="shape"/> (not the parameter's: Adafactor's row and
    /// column factors), created with every element equal to <paramref name="initialValue"/> on first use. The
    /// optimizer declares the shape for state dicts in <see cref="Optimizer.ExpectedBufferShape"/>.
    /// </summary>
    public Tensor Buffer(string name, int[] shape, float initialValue = 0f)
    {
        if (!_buffers.TryGetValue(name, out var buffer))
        {
            buffer = Tensor.FullOwned(initialValue, new Shape(shape));
            _buffers[name] = buffer;
        }
        return buffer;
    }

    /// <summary>True when the buffer exists.</summary>
    public bool Has(string name) => _buffers.ContainsKey(name);

    internal void Set(string name, Tensor value) => _buffers[name] = value;

    internal void Clear()
    {
        _buffers.Clear();
        _scalars.Clear();
        Step = 0;
    }
}
