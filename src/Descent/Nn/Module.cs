using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// A layer or a model: it owns named parameters and child modules, has a train/eval mode, and maps an input
/// tensor to an output tensor in <see cref="Forward"/>.
/// </summary>
/// <remarks>
/// Names follow PyTorch: a parameter registered as "weight" in a child registered as "0" of a child "layers" is
/// "layers.0.weight". Registration order is preserved, so parameter order is stable.
/// </remarks>
public abstract partial class Module
{
    private readonly List<(string Name, Tensor Value)> _parameters = [];
    private readonly List<(string Name, Module Value)> _children = [];
    private readonly List<(string Name, Tensor Value)> _buffers = [];

    /// <summary>True in training mode (the default), false in evaluation mode; dropout reads it.</summary>
    public bool IsTraining { get; private set; } = true;

    /// <summary>Maps <paramref name="input"/> to the module's output, recording autograd when enabled.</summary>
    public abstract Tensor Forward(Tensor input);

    /// <summary>Sets training mode (or evaluation mode with false) on this module and every descendant.</summary>
    public Module Train(bool training = true)
    {
        IsTraining = training;
        foreach (var (_, child) in _children) child.Train(training);
        return this;
    }

    /// <summary>Sets evaluation mode on this module and every descendant.</summary>
    public Module Eval() => Train(false);

    /// <summary>Every parameter of this module and its descendants with its dotted name, in registration order.</summary>
    public IReadOnlyList<NamedParameter> NamedParameters()
    {
        var result = new List<NamedParameter>();
        Collect(prefix: "", result);
        return result;
    }

    /// <summary>Every parameter of this module and its descendants, in registration order.</summary>
    public IEnumerable<Tensor> Parameters() => NamedParameters().Select(p => p.Value);

    /// <summary>The direct children with their names, in registration order.</summary>
    public IEnumerable<(string Name, Module Module)> Children() => _children;

    /// <summary>The total number of parameter elements.</summary>
    public long ParameterCount() => NamedParameters().Sum(p => (long)p.Value.Length);

    /// <summary>Registers a parameter under <paramref name="name"/>; it is made to require grad.</summary>
    protected Tensor RegisterParameter(string name, Tensor value)
    {
        CheckName(name);
        value.RequiresGrad = true;
        _parameters.Add((name, value));
        return value;
    }

    /// <summary>
    /// Every buffer of this module and its descendants with its dotted name (such as "0.running_mean"), in
    /// registration order. Buffers are state that is not trained: running statistics of batch normalization.
    /// </summary>
    public IReadOnlyList<(string Name, Tensor Value)> NamedBuffers()
    {
        var result = new List<(string Name, Tensor Value)>();
        CollectBuffers(prefix: "", result);
        return result;
    }

    /// <summary>
    /// Registers a buffer under <paramref name="name"/>: a tensor the module keeps and updates itself, which is
    /// not a parameter (no gradient, not seen by optimizers). It must not require grad.
    /// </summary>
    protected Tensor RegisterBuffer(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(value);
        CheckName(name);
        if (value.RequiresGrad)
            throw new ArgumentException($"buffer '{name}' must not require grad; register it as a parameter instead", nameof(value));
        _buffers.Add((name, value));
        return value;
    }

    /// <summary>Registers a child module under <paramref name="name"/>.</summary>
    protected T RegisterModule<T>(string name, T module) where T : Module
    {
        ArgumentNullException.ThrowIfNull(module);
        CheckName(name);
        _children.Add((name, module));
        return module;
    }

    private void CheckName(string name)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('.'))
            throw new ArgumentException($"'{name}' is not a valid member name: it must be non-empty and contain no '.'", nameof(name));
        if (_parameters.Any(p => p.Name == name) || _children.Any(c => c.Name == name) || _buffers.Any(b => b.Name == name))
            throw new ArgumentException($"a parameter, buffer or module named '{name}' is already registered", nameof(name));
    }

    private void Collect(string prefix, List<NamedParameter> result)
    {
        foreach (var (name, value) in _parameters) result.Add(new(prefix + name, value));
        foreach (var (name, child) in _children) child.Collect(prefix + name + ".", result);
    }

    private void CollectBuffers(string prefix, List<(string Name, Tensor Value)> result)
    {
        foreach (var (name, value) in _buffers) result.Add((prefix + name, value));
        foreach (var (name, child) in _children) child.CollectBuffers(prefix + name + ".", result);
    }
}
