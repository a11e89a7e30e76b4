using Descent.Nn;

namespace Descent.Optim;

/// <summary>
/// A built-in optimizer of <see cref="OptimizerCatalog"/>: its name, the options it starts from (whose
/// <see cref="HyperTable"/> lists its keywords) and how it is built from them.
/// </summary>
internal sealed class OptimizerDefinition
{
    private readonly Func<OptimizerOptions> _defaults;
    private readonly Func<IEnumerable<NamedParameter>, TorchOptions, OptimizerOptions, Optimizer> _build;
    private readonly string[] _ignored, _refused;
    private readonly string? _refusal;

    private OptimizerDefinition(string name, Func<OptimizerOptions> defaults,
        Func<IEnumerable<NamedParameter>, TorchOptions, OptimizerOptions, Optimizer> build, string[] ignored, string[] refused,
        string? refusal)
    {
        Name = name;
        _defaults = defaults;
        Table = defaults().Table;
        _build = build;
        _ignored = ignored;
        _refused = refused;
        _refusal = refusal;
    }

    /// <summary>
    /// An optimizer built from its options alone. <paramref name="ignored"/> are torch keywords that choose among
    /// PyTorch implementations and change nothing here (foreach); <paramref name="refused"/> choose a CUDA or
    /// autograd implementation and must be false (capturable, differentiable, fused); <paramref name="refusal"/>, when
    /// given, is the reason a true one is refused with instead (Prodigy's fsdp_in_use is not an implementation choice).
    /// </summary>
    public static OptimizerDefinition Of<TOptions>(string name, Func<TOptions> defaults,
        Func<IEnumerable<NamedParameter>, TOptions, Optimizer> construct, string[]? ignored = null, string[]? refused = null,
        string? refusal = null)
        where TOptions : OptimizerOptions =>
        new(name, defaults, (parameters, _, options) => construct(parameters, (TOptions)options), ignored ?? [], refused ?? [], refusal);

    /// <summary>
    /// An optimizer that reads keywords beyond its table: a wrapper's inner optimizer, built from the keywords its
    /// own table did not read.
    /// </summary>
    public static OptimizerDefinition Wrapper<TOptions>(string name, Func<TOptions> defaults,
        Func<IEnumerable<NamedParameter>, TorchOptions, TOptions, Optimizer> build) where TOptions : OptimizerOptions =>
        new(name, defaults, (parameters, keywords, options) => build(parameters, keywords, (TOptions)options), [], [], null);

    /// <summary>The name, as torch (or the reference) spells the class.</summary>
    public string Name { get; }

    /// <summary>A fresh copy of the options the optimizer starts from: the defaults of every keyword.</summary>
    public OptimizerOptions Defaults() => _defaults();

    /// <summary>The hyper-parameter table of the optimizer's options.</summary>
    public HyperTable Table { get; }

    /// <summary>Reads the keywords of the table into the defaults, checks the implementation flags and builds the optimizer.</summary>
    public Optimizer Create(IEnumerable<NamedParameter> parameters, TorchOptions keywords)
    {
        var options = _defaults();
        options.Table.Read(keywords, options);
        foreach (var flag in _ignored) keywords.Flag(flag, false);
        foreach (var flag in _refused)
            if (keywords.Flag(flag, false))
                throw new InvalidOptionException(flag, true, _refusal ?? $"{flag}=True selects a PyTorch CUDA/autograd implementation; Descent steps on the CPU without autograd, so it must be false");
        return _build(parameters, keywords, options);
    }
}
