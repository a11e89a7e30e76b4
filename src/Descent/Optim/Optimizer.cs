using Descent.Nn;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// The base of every optimizer: parameter groups with validated hyper-parameters, per-parameter state keyed by
/// parameter name, <see cref="ZeroGrad"/> and <see cref="Step"/>.
/// </summary>
/// <typeparam name="TOptions">The optimizer's hyper-parameters.</typeparam>
public abstract class Optimizer<TOptions> where TOptions : OptimizerOptions
{
    private readonly List<ParamGroup<TOptions>> _groups = [];
    private readonly HashSet<Tensor> _seen = new(ReferenceEqualityComparer.Instance);
    private readonly Dictionary<string, Dictionary<string, Tensor>> _state = [];

    /// <summary>Creates the optimizer with one group of <paramref name="parameters"/> using <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<NamedParameter> parameters, TOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        Defaults = defaults;
        AddParamGroup(parameters, (TOptions)defaults.Clone());
    }

    /// <summary>The options new groups start from.</summary>
    public TOptions Defaults { get; }

    /// <summary>The parameter groups, in the order they were added.</summary>
    public IReadOnlyList<ParamGroup<TOptions>> ParamGroups => _groups;

    /// <summary>The number of completed <see cref="Step"/> calls.</summary>
    public long StepCount { get; private set; }

    /// <summary>
    /// Adds a group of parameters with its own options (a copy of <see cref="Defaults"/> when null). A parameter may
    /// belong to one group only, and parameter names must be unique.
    /// </summary>
    public void AddParamGroup(IEnumerable<NamedParameter> parameters, TOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        if (list.Count == 0) throw new ArgumentException("optimizer got an empty parameter list", nameof(parameters));
        foreach (var p in list)
        {
            if (!p.Value.IsLeaf) throw new ArgumentException($"parameter '{p.Name}' is not a leaf tensor; an optimizer can only update leaves", nameof(parameters));
            if (_seen.Contains(p.Value)) throw new ArgumentException($"parameter '{p.Name}' appears in more than one parameter group", nameof(parameters));
            if (_groups.Any(g => g.Parameters.Any(q => q.Name == p.Name)) || list.Count(q => q.Name == p.Name) > 1)
                throw new ArgumentException($"parameter name '{p.Name}' is used twice; state is keyed by name", nameof(parameters));
        }
        foreach (var p in list) _seen.Add(p.Value);
        _groups.Add(new ParamGroup<TOptions>(list, options ?? (TOptions)Defaults.Clone()));
    }

    /// <summary>
    /// Clears the gradients of every parameter. With <paramref name="setToNone"/> (the default, as PyTorch 2.x)
    /// <see cref="Tensor.Grad"/> becomes null and the next backward writes instead of adding, saving a pass;
    /// otherwise the gradients are filled with zeros.
    /// </summary>
    public void ZeroGrad(bool setToNone = true)
    {
        foreach (var group in _groups)
            foreach (var p in group.Parameters)
            {
                if (setToNone) p.Value.Grad = null;
                else p.Value.Grad?.Span.Clear();
            }
    }

    /// <summary>Updates every parameter that has a gradient; parameters without one are skipped.</summary>
    public void Step()
    {
        using (Autograd.GradMode.NoGrad())
        {
            foreach (var group in _groups)
                foreach (var p in group.Parameters)
                    if (p.Value.Grad is { } grad) Update(p, grad, group.Options);
        }
        StepCount++;
    }

    /// <summary>Applies the update rule to one parameter.</summary>
    protected abstract void Update(NamedParameter parameter, Tensor grad, TOptions options);

    /// <summary>The state buffers of a parameter, by buffer name (such as "momentum_buffer").</summary>
    public IReadOnlyDictionary<string, Tensor> StateOf(string parameterName) =>
        _state.TryGetValue(parameterName, out var s) ? s : new Dictionary<string, Tensor>();

    /// <summary>
    /// The state buffer <paramref name="buffer"/> of <paramref name="parameter"/>, created zero-filled on first use;
    /// <paramref name="created"/> tells whether it was just made.
    /// </summary>
    protected Tensor State(NamedParameter parameter, string buffer, out bool created)
    {
        if (!_state.TryGetValue(parameter.Name, out var buffers)) _state[parameter.Name] = buffers = [];
        created = !buffers.TryGetValue(buffer, out var tensor);
        if (created) buffers[buffer] = tensor = Tensor.Zeros(parameter.Value.Shape.ToArray());
        return tensor!;
    }
}
