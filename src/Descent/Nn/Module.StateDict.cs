using Descent.Tensors;

namespace Descent.Nn;

public abstract partial class Module
{
    /// <summary>
    /// A copy of everything the module learns and keeps, as torch's <c>model.state_dict()</c>: every parameter and
    /// every buffer (batch normalization's running statistics) under its dotted name, such as "0.weight" or
    /// "1.running_mean", in torch's order (each module's parameters, then its buffers, then its children). The
    /// tensors are copies: later training does not change them.
    /// </summary>
    public IReadOnlyDictionary<string, Tensor> StateDict()
    {
        var result = new Dictionary<string, Tensor>();
        foreach (var (name, value) in StateEntries()) result[name] = value.Clone();
        return result;
    }

    /// <summary>
    /// Copies <paramref name="stateDict"/> into this module's parameters and buffers, as torch's
    /// <c>model.load_state_dict</c>. Everything is checked before anything changes: with <paramref name="strict"/>
    /// (the default) every name of <see cref="StateDict"/> must be present and no other; in any case a tensor under a
    /// known name must have that entry's shape. A mismatch is an <see cref="ArgumentException"/> listing every
    /// missing, unexpected and misshapen entry. Values are copied into the existing tensors, so an optimizer built
    /// over the parameters keeps working with the loaded values.
    /// </summary>
    public void LoadStateDict(IReadOnlyDictionary<string, Tensor> stateDict, bool strict = true)
    {
        ArgumentNullException.ThrowIfNull(stateDict);
        var own = StateEntries().ToList();
        var problems = new List<string>();
        var names = new HashSet<string>();
        foreach (var (name, value) in own)
        {
            names.Add(name);
            if (!stateDict.TryGetValue(name, out var given))
            {
                if (strict) problems.Add($"missing '{name}'");
            }
            else if (given is null) problems.Add($"'{name}' is null");
            else if (given.Shape != value.Shape) problems.Add($"'{name}' has shape {given.Shape}, the module's has {value.Shape}");
        }
        if (strict)
            foreach (var name in stateDict.Keys)
                if (!names.Contains(name)) problems.Add($"unexpected '{name}'");
        if (problems.Count > 0)
            throw new ArgumentException($"the state dict does not fit {GetType().Name}: {string.Join("; ", problems)}", nameof(stateDict));
        foreach (var (name, value) in own)
            if (stateDict.TryGetValue(name, out var given)) given.Span.CopyTo(value.Span);
    }

    /// <summary>Parameters and buffers under their dotted names, in torch's state-dict order.</summary>
    private IEnumerable<(string Name, Tensor Value)> StateEntries(string prefix = "")
    {
        foreach (var (name, value) in _parameters) yield return (prefix + name, value);
        foreach (var (name, value) in _buffers) yield return (prefix + name, value);
        foreach (var (name, child) in _children)
            foreach (var entry in child.StateEntries(prefix + name + ".")) yield return entry;
    }
}
