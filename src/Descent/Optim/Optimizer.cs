using Descent.Nn;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// The base of every optimizer: parameter groups with validated hyper-parameters, per-parameter state keyed by
/// parameter <em>name</em>, <see cref="ZeroGrad"/>, <see cref="Step()"/>, state dicts, and the options PyTorch
/// leaves to the training loop: gradient clipping, a policy for non-finite gradients, and a moving average of the
/// weights.
/// </summary>
public abstract class Optimizer
{
    private readonly List<ParamGroup> _groups = [];
    private readonly HashSet<Tensor> _seen = new(ReferenceEqualityComparer.Instance);
    private readonly HashSet<string> _names = [];
    private readonly Dictionary<string, ParameterState> _state = [];
    private readonly List<Tensor> _gradScratch = [];
    private GradientClipping? _clipping;

    /// <summary>Creates the optimizer with one group of <paramref name="parameters"/> using <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<NamedParameter> parameters, OptimizerOptions defaults)
    {
        ArgumentNullException.ThrowIfNull(defaults);
        defaults.Validate();
        DefaultOptions = defaults;
        AddGroup(parameters, defaults.Clone());
    }

    /// <summary>The options new groups start from.</summary>
    public OptimizerOptions DefaultOptions { get; }

    /// <summary>The parameter groups, in the order they were added.</summary>
    public IReadOnlyList<ParamGroup> ParamGroups => _groups;

    /// <summary>The number of completed <see cref="Step()"/> calls (skipped steps not included).</summary>
    public long StepCount { get; private set; }

    /// <summary>Steps skipped under <see cref="NonFinitePolicy.SkipStep"/>.</summary>
    public long SkippedSteps { get; private set; }

    /// <summary>What to do when a gradient holds NaN or ±∞; <see cref="NonFinitePolicy.Throw"/> by default.</summary>
    public NonFinitePolicy NonFinitePolicy { get; set; } = NonFinitePolicy.Throw;

    /// <summary>
    /// Clipping applied to all gradients before each update, or null for none. An optimizer for which clipping is
    /// not well defined (LBFGS) refuses it here with a <see cref="NotSupportedException"/> giving the reason.
    /// </summary>
    public GradientClipping? Clipping
    {
        get => _clipping;
        set => _clipping = value is not null && RefuseClipping(value) is string reason ? throw new NotSupportedException(reason) : value;
    }

    /// <summary>The global gradient 2-norm measured by the last clipping, before clipping.</summary>
    public double LastGradientNorm { get; private set; }

    /// <summary>A moving average of the weights updated after every step, or null for none.</summary>
    public WeightAverage? Average { get; set; }

    /// <summary>
    /// Adds a group of parameters with its own options (a copy of <see cref="DefaultOptions"/> when null). A
    /// parameter may belong to one group only, and parameter names must be unique: state is keyed by them. An
    /// optimizer that supports one group only (LBFGS) refuses with an <see cref="InvalidOperationException"/>.
    /// </summary>
    public void AddParamGroup(IEnumerable<NamedParameter> parameters, OptimizerOptions? options = null)
    {
        if (ExtraParamGroupRefusal is string reason) throw new InvalidOperationException(reason);
        AddGroup(parameters, options);
    }

    /// <summary>
    /// <see cref="AddParamGroup(IEnumerable{NamedParameter}, OptimizerOptions?)"/> over unnamed tensors, named by
    /// position as torch.optim numbers them: a group added after <c>n</c> parameters names its own "n", "n+1", ...
    /// </summary>
    public void AddParamGroup(IEnumerable<Tensor> parameters, OptimizerOptions? options = null) =>
        AddParamGroup(NamedParameter.ByPosition(parameters, start: _names.Count), options);

    /// <summary>
    /// Why this optimizer refuses parameter groups beyond the one its constructor makes, or null (the default) when
    /// it accepts them; <see cref="AddParamGroup(IEnumerable{NamedParameter}, OptimizerOptions?)"/> throws an <see cref="InvalidOperationException"/> with it.
    /// </summary>
    protected virtual string? ExtraParamGroupRefusal => null;

    /// <summary>
    /// Why this optimizer cannot apply <paramref name="clipping"/>, or null (the default) when it can; setting
    /// <see cref="Clipping"/> throws a <see cref="NotSupportedException"/> with it.
    /// </summary>
    protected virtual string? RefuseClipping(GradientClipping clipping) => null;

    /// <summary>
    /// Why <see cref="Step()"/> without a closure cannot work for this optimizer, or null (the default) when it can;
    /// <see cref="Step()"/> throws an <see cref="InvalidOperationException"/> with it before touching anything.
    /// </summary>
    protected virtual string? StepWithoutClosureRefusal => null;

    private void AddGroup(IEnumerable<NamedParameter> parameters, OptimizerOptions? options)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var list = parameters.ToList();
        if (list.Count == 0) throw new ArgumentException("optimizer got an empty parameter list", nameof(parameters));
        options ??= DefaultOptions.Clone();
        if (options.GetType() != DefaultOptions.GetType())
            throw new ArgumentException($"a group of {GetType().Name} needs {DefaultOptions.GetType().Name}, got {options.GetType().Name}", nameof(options));
        options.Validate();
        var names = new HashSet<string>();
        foreach (var p in list)
        {
            if (!p.Value.IsLeaf) throw new ArgumentException($"parameter '{p.Name}' is not a leaf tensor; an optimizer can only update leaves", nameof(parameters));
            if (_seen.Contains(p.Value)) throw new ArgumentException($"parameter '{p.Name}' appears in more than one parameter group", nameof(parameters));
            if (_names.Contains(p.Name) || !names.Add(p.Name))
                throw new ArgumentException($"parameter name '{p.Name}' is used twice; state is keyed by name", nameof(parameters));
        }
        foreach (var p in list)
        {
            _seen.Add(p.Value);
            _names.Add(p.Name);
            _state[p.Name] = new ParameterState(p.Value.Shape);
        }
        _groups.Add(CreateGroup(list, options));
    }

    /// <summary>Makes the group object; typed optimizers return <see cref="ParamGroup{TOptions}"/>.</summary>
    private protected abstract ParamGroup CreateGroup(IReadOnlyList<NamedParameter> parameters, OptimizerOptions options);

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

    /// <summary>
    /// Updates every parameter that has a gradient; parameters without one are skipped and their state is untouched.
    /// Before updating: non-finite gradients are handled per <see cref="NonFinitePolicy"/>, then <see cref="Clipping"/>
    /// is applied; after: <see cref="Average"/> is updated.
    /// </summary>
    public void Step()
    {
        if (StepWithoutClosureRefusal is string reason) throw new InvalidOperationException(reason);
        foreach (var group in _groups) group.Options.Validate();
        if (NonFinitePolicy != NonFinitePolicy.Propagate && FirstNonFinite() is string bad)
        {
            if (NonFinitePolicy == NonFinitePolicy.Throw) throw new NonFiniteGradientException(bad, StepCount + 1);
            SkippedSteps++;
            return;
        }
        if (Clipping is { } clipping)
        {
            _gradScratch.Clear();
            foreach (var group in _groups)
                foreach (var p in group.Parameters)
                    if (p.Value.Grad is { } g) _gradScratch.Add(g);
            LastGradientNorm = clipping.Apply(_gradScratch);
        }
        using (Autograd.GradMode.NoGrad()) ApplyUpdates();
        CountStep();
    }

    /// <summary>
    /// The update phase of <see cref="Step()"/>, after the non-finite check and clipping: for each group,
    /// <see cref="BeginGroupStep"/>, then the update rule on every parameter that has a gradient (or on every
    /// parameter, with a zero gradient where it has none, when <see cref="StepsParametersWithoutGradient"/>). A
    /// wrapper (Lookahead) overrides it to step its inner optimizer and then apply its own rule; Prodigy, whose D
    /// estimate sums over all parameters before any moves, to run its two passes.
    /// </summary>
    protected virtual void ApplyUpdates()
    {
        foreach (var group in _groups)
        {
            BeginGroupStep(group);
            foreach (var p in group.Parameters)
            {
                var grad = p.Value.Grad;
                if (grad is null)
                {
                    if (!StepsParametersWithoutGradient) continue;
                    grad = Tensor.Zeros(p.Value.Shape.ToArray());
                }
                var state = _state[p.Name];
                state.Step++;
                Update(p, grad, group.Options, state);
            }
        }
    }

    /// <summary>
    /// Called once per group and step before the group's parameters are updated, whether or not any has a gradient:
    /// where an optimizer advances what it keeps per group (Schedule-Free's step count and weight sum). The default
    /// does nothing.
    /// </summary>
    protected virtual void BeginGroupStep(ParamGroup group) { }

    /// <summary>
    /// Whether a parameter without a gradient is still updated, with a zero gradient (Muon's reference does this);
    /// false by default: such parameters are skipped and their state is untouched.
    /// </summary>
    private protected virtual bool StepsParametersWithoutGradient => false;

    /// <summary>The state of parameter <paramref name="name"/>, for optimizers with their own <see cref="ApplyUpdates"/>.</summary>
    private protected ParameterState StateFor(string name) => _state[name];

    /// <summary>Counts a completed step and updates <see cref="Average"/>, for optimizers with their own step loop.</summary>
    private protected void CountStep()
    {
        StepCount++;
        Average?.Update(this);
    }

    /// <summary>Counts a step skipped under <see cref="NonFinitePolicy.SkipStep"/>.</summary>
    private protected void CountSkippedStep() => SkippedSteps++;

    /// <summary>
    /// Whether the optimizer needs <see cref="Step(Func{Tensor})"/>: it evaluates the loss several times per step
    /// (LBFGS). A training loop steps such an optimizer with a closure over the minibatch.
    /// </summary>
    public virtual bool RequiresClosure => false;

    /// <summary>
    /// Evaluates <paramref name="closure"/> (which must zero the gradients, compute the loss and call Backward) and
    /// steps; returns the loss. Optimizers that need several evaluations per step (LBFGS) override this.
    /// </summary>
    public virtual Tensor Step(Func<Tensor> closure)
    {
        ArgumentNullException.ThrowIfNull(closure);
        var loss = closure();
        Step();
        return loss;
    }

    /// <summary>Applies the update rule to one parameter; <paramref name="state"/>.Step already counts this update.</summary>
    private protected abstract void Update(NamedParameter parameter, Tensor grad, OptimizerOptions options, ParameterState state);

    /// <summary>
    /// The first parameter (in group order) whose gradient holds NaN or ±∞. The gradients are scanned from the last
    /// parameter to the first, so the update that follows, which starts with the first, finds the most recently
    /// scanned gradients still in cache; a non-finite gradient is rare, so finding the first one may scan them all.
    /// </summary>
    private string? FirstNonFinite()
    {
        string? first = null;
        for (int g = _groups.Count - 1; g >= 0; g--)
        {
            var parameters = _groups[g].Parameters;
            for (int i = parameters.Count - 1; i >= 0; i--)
                if (parameters[i].Value.Grad is { } grad && !Kernels.FiniteCheck.AllFinite(grad))
                    first = parameters[i].Name;
        }
        return first;
    }

    /// <summary>The state of a parameter, by name; an unknown name is an error naming it.</summary>
    public ParameterState StateOf(string parameterName) =>
        _state.TryGetValue(parameterName, out var s) ? s
            : throw new KeyNotFoundException($"the optimizer has no parameter named '{parameterName}'");

    /// <summary>
    /// A snapshot of the state: for every parameter that has state, its step count and a copy of each buffer,
    /// keyed by parameter name (unlike PyTorch, which keys by position: pytorch/pytorch#1489).
    /// </summary>
    public OptimizerStateDict StateDict()
    {
        var result = new OptimizerStateDict();
        foreach (var (name, state) in _state)
        {
            if (state.IsEmpty) continue;
            result.Steps[name] = state.Step;
            foreach (var (buffer, value) in state.Buffers) result.Buffers[$"{name}.{buffer}"] = value.CloneOwned();
            foreach (var (scalar, value) in state.Scalars) result.Scalars[$"{name}.{scalar}"] = value;
        }
        for (int g = 0; g < _groups.Count; g++)
            foreach (var (key, value) in _groups[g].Scalars) result.GlobalScalars[$"{GroupPrefix}{g}.{key}"] = value;
        SaveGlobalState(result);
        return result;
    }

    /// <summary>
    /// Adds the optimizer-wide state (copies) to <paramref name="dict"/>'s <see cref="OptimizerStateDict.GlobalScalars"/>
    /// and <see cref="OptimizerStateDict.GlobalBuffers"/>; the default adds nothing.
    /// </summary>
    protected virtual void SaveGlobalState(OptimizerStateDict dict) { }

    /// <summary>
    /// Checks the optimizer-wide entries of <paramref name="dict"/> before anything is loaded, throwing an
    /// <see cref="ArgumentException"/> that names the entry; the default accepts none.
    /// </summary>
    protected virtual void ValidateGlobalState(OptimizerStateDict dict)
    {
        foreach (var key in dict.GlobalScalars.Keys.Concat(dict.GlobalBuffers.Keys))
            throw new ArgumentException($"state dict has optimizer-wide entry '{key}', but {GetType().Name} keeps no optimizer-wide state", nameof(dict));
    }

    /// <summary>
    /// Replaces the optimizer-wide state with <paramref name="dict"/>'s (already validated by
    /// <see cref="ValidateGlobalState"/>; absent entries mean the state of a fresh optimizer); the default does nothing.
    /// </summary>
    protected virtual void LoadGlobalState(OptimizerStateDict dict) { }

    /// <summary>
    /// The shape state buffer <paramref name="buffer"/> of parameter <paramref name="parameterName"/> has, which a
    /// state dict or checkpoint entry must have: the parameter's own shape, unless the optimizer keeps a buffer of
    /// another shape (Adafactor's row and column factors, Prodigy's slices).
    /// </summary>
    public Shape ExpectedBufferShape(string parameterName, string buffer)
    {
        foreach (var group in _groups)
            foreach (var p in group.Parameters)
                if (p.Name == parameterName) return BufferShape(p.Value.Shape, buffer);
        throw new KeyNotFoundException($"the optimizer has no parameter named '{parameterName}'");
    }

    /// <summary>
    /// The shape of state buffer <paramref name="buffer"/> for a parameter of shape <paramref name="parameterShape"/>;
    /// the parameter's shape by default. Optimizers with differently shaped buffers override this.
    /// </summary>
    protected virtual Shape BufferShape(Shape parameterShape, string buffer) => parameterShape;

    /// <summary>
    /// Restores a <see cref="StateDict"/>. Every entry must name a parameter of this optimizer and have its shape, and
    /// the optimizer-wide entries must fit this optimizer; otherwise nothing is changed and the error names the entry.
    /// </summary>
    public void LoadStateDict(OptimizerStateDict dict)
    {
        ArgumentNullException.ThrowIfNull(dict);
        var shapes = _groups.SelectMany(g => g.Parameters).ToDictionary(p => p.Name, p => p.Value.Shape);
        foreach (var name in dict.Steps.Keys)
            if (!shapes.ContainsKey(name)) throw new ArgumentException($"state dict has state for parameter '{name}', which this optimizer does not have", nameof(dict));
        foreach (var (key, value) in dict.Buffers)
        {
            int dot = key.LastIndexOf('.');
            string name = dot > 0 ? key[..dot] : key;
            if (!dict.Steps.ContainsKey(name) || !shapes.TryGetValue(name, out var shape))
                throw new ArgumentException($"state dict entry '{key}' does not belong to a parameter of this optimizer", nameof(dict));
            var expected = BufferShape(shape, key[(dot + 1)..]);
            if (value.Shape != expected)
                throw new ArgumentException(expected == shape
                    ? $"state dict entry '{key}' has shape {value.Shape}, parameter '{name}' has shape {shape}"
                    : $"state dict entry '{key}' has shape {value.Shape}; for parameter '{name}' of shape {shape} it must have shape {expected}", nameof(dict));
        }
        foreach (var key in dict.Scalars.Keys)
        {
            int dot = key.LastIndexOf('.');
            if (dot <= 0 || !dict.Steps.ContainsKey(key[..dot]))
                throw new ArgumentException($"state dict entry '{key}' does not belong to a parameter of this optimizer", nameof(dict));
        }
        var groupScalars = new List<(ParamGroup Group, string Key, double Value)>();
        var global = new OptimizerStateDict();
        foreach (var (key, value) in dict.GlobalScalars)
        {
            if (GroupScalarKey(key) is { } at)
            {
                if (at.Group >= _groups.Count)
                    throw new ArgumentException($"state dict entry '{key}' is for parameter group {at.Group}, but the optimizer has {_groups.Count}", nameof(dict));
                groupScalars.Add((_groups[at.Group], at.Key, value));
            }
            else global.GlobalScalars[key] = value;
        }
        foreach (var (key, value) in dict.GlobalBuffers) global.GlobalBuffers[key] = value;
        ValidateGlobalState(global);
        foreach (var group in _groups) group.ClearScalars();
        foreach (var (group, key, value) in groupScalars) group.SetScalar(key, value);
        foreach (var state in _state.Values) state.Clear();
        foreach (var (name, step) in dict.Steps) _state[name].Step = step;
        foreach (var (key, value) in dict.Buffers)
        {
            int dot = key.LastIndexOf('.');
            _state[key[..dot]].Set(key[(dot + 1)..], value.CloneOwned());
        }
        foreach (var (key, value) in dict.Scalars)
        {
            int dot = key.LastIndexOf('.');
            _state[key[..dot]].SetScalar(key[(dot + 1)..], value);
        }
        LoadGlobalState(global);
    }

    /// <summary>The prefix of a group scalar's key in a state dict: "group0.k".</summary>
    private const string GroupPrefix = "group";

    /// <summary>The group index and key of a state dict entry "group&lt;i&gt;.&lt;key&gt;", or null for another entry.</summary>
    private static (int Group, string Key)? GroupScalarKey(string key)
    {
        if (!key.StartsWith(GroupPrefix, StringComparison.Ordinal)) return null;
        int dot = key.IndexOf('.', GroupPrefix.Length);
        return dot > GroupPrefix.Length && int.TryParse(key.AsSpan(GroupPrefix.Length, dot - GroupPrefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int g)
            ? (g, key[(dot + 1)..]) : null;
    }
}

/// <summary>A typed optimizer: its groups expose the optimizer's own options class.</summary>
/// <typeparam name="TOptions">The optimizer's hyper-parameters.</typeparam>
public abstract class Optimizer<TOptions> : Optimizer where TOptions : OptimizerOptions
{
    /// <summary>Creates the optimizer with one group of <paramref name="parameters"/> using <paramref name="defaults"/>.</summary>
    protected Optimizer(IEnumerable<NamedParameter> parameters, TOptions defaults) : base(parameters, defaults) { }

    /// <summary>The options new groups start from.</summary>
    public TOptions Defaults => (TOptions)DefaultOptions;

    /// <summary>The parameter groups with typed options.</summary>
    public IEnumerable<ParamGroup<TOptions>> Groups => ParamGroups.Cast<ParamGroup<TOptions>>();

    /// <summary>The typed group at <paramref name="index"/>.</summary>
    public ParamGroup<TOptions> Group(int index) => (ParamGroup<TOptions>)ParamGroups[index];

    private protected sealed override ParamGroup CreateGroup(IReadOnlyList<NamedParameter> parameters, OptimizerOptions options) =>
        new ParamGroup<TOptions>(parameters, (TOptions)options);

    private protected sealed override void Update(NamedParameter parameter, Tensor grad, OptimizerOptions options, ParameterState state) =>
        Update(new ParameterView(parameter.Name, parameter.Value.Shape, parameter.Value.Span, grad.Span), (TOptions)options, state);

    /// <summary>
    /// The update rule for one parameter that also needs its name or shape (a rule on weight matrices, a per-layer
    /// rule): <paramref name="parameter"/>'s values and <paramref name="state"/> are changed in place from its
    /// gradient; <paramref name="state"/>.Step is already the 1-based count of this update. The default calls
    /// <see cref="Update(Span{float}, ReadOnlySpan{float}, TOptions, ParameterState)"/> with the two spans, so an
    /// optimizer overrides one of the two.
    /// </summary>
    protected virtual void Update(ParameterView parameter, TOptions options, ParameterState state) =>
        Update(parameter.Values, parameter.Grad, options, state);

    /// <summary>
    /// The update rule for one parameter, element by element: <paramref name="param"/> and <paramref name="state"/>
    /// are changed in place from <paramref name="grad"/>; <paramref name="state"/>.Step is already the 1-based count
    /// of this update. Override this or <see cref="Update(ParameterView, TOptions, ParameterState)"/>; the default
    /// throws a <see cref="NotImplementedException"/> naming the optimizer.
    /// </summary>
    protected virtual void Update(Span<float> param, ReadOnlySpan<float> grad, TOptions options, ParameterState state) =>
        throw new NotImplementedException($"{GetType().Name} overrides neither Update(Span<float>, ReadOnlySpan<float>, {typeof(TOptions).Name}, ParameterState) nor Update(ParameterView, {typeof(TOptions).Name}, ParameterState)");
}
