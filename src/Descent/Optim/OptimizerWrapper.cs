using Descent.Nn;
using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// The base of an optimizer that wraps another over the same parameters (<see cref="Lookahead"/>, <see cref="Sam"/>):
/// one group per group of the inner optimizer, whose learning rate is the one that counts — it is copied to the inner
/// group before every inner step, so schedules and the replay's lr changes act on the wrapper — and a state dict that
/// carries the inner optimizer's state under the prefix "&lt;<see cref="StatePrefix"/>&gt;/".
/// </summary>
/// <typeparam name="TOptions">The wrapper's own hyper-parameters.</typeparam>
public abstract class OptimizerWrapper<TOptions> : Optimizer<TOptions>, IOptimizerWrapper where TOptions : OptimizerOptions
{
    private readonly bool _built;

    /// <summary>Wraps <paramref name="inner"/>: one group per inner group, each with a copy of <paramref name="options"/> and the inner group's lr.</summary>
    protected OptimizerWrapper(Optimizer inner, TOptions options, string statePrefix)
        : base(GroupsOf(inner)[0].Parameters, WithLr(options, GroupsOf(inner)[0].Options.Lr))
    {
        Inner = inner;
        StatePrefix = statePrefix;
        foreach (var group in inner.ParamGroups.Skip(1)) AddParamGroup(group.Parameters, WithLr(options, group.Options.Lr));
        _built = true;
    }

    /// <inheritdoc/>
    public Optimizer Inner { get; }

    /// <inheritdoc/>
    public string StatePrefix { get; }

    /// <inheritdoc/>
    public override bool RequiresClosure => Inner.RequiresClosure;

    /// <inheritdoc/>
    protected override string? ExtraParamGroupRefusal =>
        _built ? $"{GetType().Name} has the groups of the optimizer it wraps: add the group to that optimizer before wrapping it" : null;

    private static IReadOnlyList<ParamGroup> GroupsOf(Optimizer inner) =>
        (inner ?? throw new ArgumentNullException(nameof(inner))).ParamGroups;

    private static TOptions WithLr(TOptions options, double lr)
    {
        ArgumentNullException.ThrowIfNull(options);
        var copy = (TOptions)options.Clone();
        copy.Lr = lr;
        return copy;
    }

    /// <summary>Copies each group's learning rate to the inner optimizer's group of the same index.</summary>
    protected void ForwardLearningRates()
    {
        for (int g = 0; g < ParamGroups.Count; g++) Inner.ParamGroups[g].Options.Lr = ParamGroups[g].Options.Lr;
    }

    /// <inheritdoc/>
    protected override void SaveGlobalState(OptimizerStateDict dict)
    {
        var inner = Inner.StateDict();
        string p = StatePrefix + "/";
        foreach (var (key, value) in inner.Steps) dict.GlobalScalars[$"{p}step/{key}"] = value;
        foreach (var (key, value) in inner.Scalars) dict.GlobalScalars[$"{p}scalar/{key}"] = value;
        foreach (var (key, value) in inner.GlobalScalars) dict.GlobalScalars[$"{p}global/{key}"] = value;
        foreach (var (key, value) in inner.Buffers) dict.GlobalBuffers[$"{p}buffer/{key}"] = value;
        foreach (var (key, value) in inner.GlobalBuffers) dict.GlobalBuffers[$"{p}global/{key}"] = value;
    }

    /// <summary>
    /// Checks the wrapper's optimizer-wide entries and loads the inner optimizer's state from its prefixed entries.
    /// Loading here is safe: the inner <see cref="Optimizer.LoadStateDict"/> validates everything before changing
    /// anything, and this is the last check of the wrapper's own <see cref="Optimizer.LoadStateDict"/>, after which
    /// nothing can fail.
    /// </summary>
    protected sealed override void ValidateGlobalState(OptimizerStateDict dict)
    {
        string p = StatePrefix + "/";
        var inner = new OptimizerStateDict();
        var own = new OptimizerStateDict();
        foreach (var (key, value) in dict.GlobalScalars)
        {
            if (!key.StartsWith(p, StringComparison.Ordinal)) own.GlobalScalars[key] = value;
            else if (Strip(key, p, "step/") is { } name) inner.Steps[name] = checked((long)value);
            else if (Strip(key, p, "scalar/") is { } scalar) inner.Scalars[scalar] = value;
            else if (Strip(key, p, "global/") is { } global) inner.GlobalScalars[global] = value;
            else throw new ArgumentException($"state dict entry '{key}' is not a state entry of {GetType().Name}", nameof(dict));
        }
        foreach (var (key, value) in dict.GlobalBuffers)
        {
            if (!key.StartsWith(p, StringComparison.Ordinal)) own.GlobalBuffers[key] = value;
            else if (Strip(key, p, "buffer/") is { } buffer) inner.Buffers[buffer] = value;
            else if (Strip(key, p, "global/") is { } global) inner.GlobalBuffers[global] = value;
            else throw new ArgumentException($"state dict entry '{key}' is not a state entry of {GetType().Name}", nameof(dict));
        }
        ValidateOwnGlobalState(own);
        Inner.LoadStateDict(inner);
        LoadOwnGlobalState(own);
    }

    private static string? Strip(string key, string prefix, string kind) =>
        key.AsSpan(prefix.Length).StartsWith(kind, StringComparison.Ordinal) ? key[(prefix.Length + kind.Length)..] : null;

    /// <summary>Checks the wrapper's own optimizer-wide entries (the default accepts none), throwing an <see cref="ArgumentException"/> naming one.</summary>
    protected virtual void ValidateOwnGlobalState(OptimizerStateDict own)
    {
        foreach (var key in own.GlobalScalars.Keys.Concat(own.GlobalBuffers.Keys))
            throw new ArgumentException($"state dict has optimizer-wide entry '{key}', which {GetType().Name} does not keep", nameof(own));
    }

    /// <summary>Loads the wrapper's own optimizer-wide entries (already checked; absent ones mean a fresh wrapper).</summary>
    protected virtual void LoadOwnGlobalState(OptimizerStateDict own) { }

    /// <summary>The buffer <paramref name="name"/> of parameter <paramref name="parameter"/> in the inner optimizer's state, if it has one.</summary>
    protected Tensor? InnerBuffer(string parameter, string name) =>
        Inner.StateOf(parameter).Buffers.TryGetValue(name, out var b) ? b : null;

    /// <summary>The wrapper's parameters, by group.</summary>
    protected IEnumerable<NamedParameter> AllParameters => ParamGroups.SelectMany(g => g.Parameters);
}
