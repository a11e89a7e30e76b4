using Descent.Nn;

namespace Descent.Optim;

/// <summary>
/// Every optimizer by name — torch.optim's classes ("SGD", "Adam", ...) and those registered with
/// <see cref="Register"/> — built from options given by their torch keyword names; names are case-insensitive.
/// The command line (train, compare, explain, landscape), experiment files, checkpoints and the conformance
/// recordings all find optimizers here.
/// </summary>
public static class OptimizerCatalog
{
    private static readonly string[] Foreach = ["foreach"];
    private static readonly string[] AdamImplementations = ["capturable", "differentiable", "fused"];

    private static readonly OptimizerDefinition[] Definitions =
    [
        OptimizerDefinition.Of("SGD", () => new SgdOptions(), (p, o) => new Sgd(p, o)),
        OptimizerDefinition.Of("Adagrad", () => new AdagradOptions(), (p, o) => new Adagrad(p, o)),
        OptimizerDefinition.Of("Adadelta", () => new AdadeltaOptions(), (p, o) => new Adadelta(p, o)),
        OptimizerDefinition.Of("RMSprop", () => new RMSpropOptions(), (p, o) => new RMSprop(p, o)),
        OptimizerDefinition.Of("Rprop", () => new RpropOptions(), (p, o) => new Rprop(p, o)),
        OptimizerDefinition.Of("ASGD", () => new ASGDOptions(), (p, o) => new ASGD(p, o)),
        OptimizerDefinition.Of("Adam", () => new AdamOptions(), (p, o) => new Adam(p, o), Foreach, AdamImplementations),
        OptimizerDefinition.Of("AdamW", AdamOptions.AdamWDefaults, (p, o) => new AdamW(p, o), Foreach, ["capturable"]),
        OptimizerDefinition.Of("Adamax", () => new AdamaxOptions(), (p, o) => new Adamax(p, o), Foreach),
        OptimizerDefinition.Of("NAdam", () => new NAdamOptions(), (p, o) => new NAdam(p, o), Foreach),
        OptimizerDefinition.Of("RAdam", () => new RAdamOptions(), (p, o) => new RAdam(p, o), Foreach),
        OptimizerDefinition.Of("LBFGS", () => new LBFGSOptions(), (p, o) => new LBFGS(p, o)),
        OptimizerDefinition.Of("Lion", () => new LionOptions(), (p, o) => new Lion(p, o)),
        OptimizerDefinition.Of("AdamWScheduleFree", () => new AdamWScheduleFreeOptions(), (p, o) => new AdamWScheduleFree(p, o)),
        OptimizerDefinition.Of("SGDScheduleFree", () => new SgdScheduleFreeOptions(), (p, o) => new SgdScheduleFree(p, o)),
        OptimizerDefinition.Wrapper("Lookahead", () => new LookaheadOptions(), Lookahead.Create),
        OptimizerDefinition.Wrapper("SAM", () => new SamOptions(), Sam.Create),
        OptimizerDefinition.Of("Muon", () => new MuonOptions(), (p, o) => new Muon(p, o)),
        OptimizerDefinition.Of("Adafactor", () => new AdafactorOptions(), (p, o) => new Adafactor(p, o), Foreach),
        OptimizerDefinition.Of("Lamb", () => new LambOptions(), (p, o) => new Lamb(p, o)),
        OptimizerDefinition.Of("LARS", () => new LarsOptions(), (p, o) => new Lars(p, o)),
        OptimizerDefinition.Of("Prodigy", () => new ProdigyOptions(), (p, o) => new Prodigy(p, o), refused: ["fsdp_in_use"],
            refusal: "Descent does not shard parameters; it must be false"),
        OptimizerDefinition.Of("AdEMAMix", () => new AdEMAMixOptions(), (p, o) => new AdEMAMix(p, o)),
    ];

    private static readonly Dictionary<string, OptimizerDefinition> BuiltIns =
        Definitions.ToDictionary(d => d.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Names the command line gives another meaning in optimizer lists (variants and presets).</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase) { "momentum", "nesterov", "lectures", "schedules", "modern" };

    private static readonly Lock Gate = new();
    private static volatile IReadOnlyList<OptimizerRegistration> _registered = [];

    /// <summary>The built-in names followed by the registered ones in registration order, spelt as registered.</summary>
    public static IReadOnlyList<string> Names => [.. Definitions.Select(d => d.Name), .. _registered.Select(r => r.Name)];

    /// <summary>The built-in optimizers' names, as torch (or the reference implementation) spells the class.</summary>
    public static IReadOnlyList<string> BuiltInNames => [.. Definitions.Select(d => d.Name)];

    /// <summary>
    /// The options built-in optimizer <paramref name="name"/> (case-insensitive) starts from, a fresh copy whose
    /// <see cref="OptimizerOptions.Table"/> lists its keywords with their defaults; null for a registered or unknown
    /// name.
    /// </summary>
    public static OptimizerOptions? DefaultsOf(string name) =>
        BuiltIns.TryGetValue(name ?? throw new ArgumentNullException(nameof(name)), out var definition) ? definition.Defaults() : null;

    /// <summary>The optimizers added with <see cref="Register"/>, in registration order.</summary>
    public static IReadOnlyList<OptimizerRegistration> Registered => _registered;

    /// <summary>
    /// Adds optimizer <paramref name="name"/>, built by <paramref name="factory"/> from the parameters and the torch
    /// keyword options of a run (read them with <see cref="TorchOptions.Number"/>, <see cref="TorchOptions.Flag"/>,
    /// ...; options it does not read are refused as unknown). From then on the name works everywhere an optimizer
    /// name does: <c>OptimizerSpec</c>, compare lists, experiment files, explain, landscapes and checkpoints.
    /// Thread-safe. The name must start with a letter and hold only letters, digits, '-' and '_'; a built-in name,
    /// a name already registered (case-insensitive) or a name the command line reserves (momentum, nesterov,
    /// lectures, schedules, modern) is an <see cref="ArgumentException"/> saying so.
    /// </summary>
    /// <param name="name">The name, such as "custom_sgd".</param>
    /// <param name="factory">Builds the optimizer, validating the options as the built-in optimizers do.</param>
    /// <param name="description">One or a few lines for <c>descent explain</c>: the update rule; null for none.</param>
    public static void Register(string name, Func<IEnumerable<NamedParameter>, TorchOptions, Optimizer> factory, string? description = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (!IsValidName(name))
            throw new ArgumentException($"'{name}' is not a valid optimizer name: it must start with a letter and hold only letters, digits, '-' and '_'", nameof(name));
        if (BuiltIns.ContainsKey(name))
            throw new ArgumentException($"'{name}' is a built-in optimizer; register yours under another name", nameof(name));
        if (Reserved.Contains(name))
            throw new ArgumentException($"'{name}' is reserved: optimizer lists use it for a variant or preset", nameof(name));
        lock (Gate)
        {
            if (_registered.Any(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
                throw new ArgumentException($"an optimizer named '{name}' is already registered", nameof(name));
            _registered = [.. _registered, new OptimizerRegistration(name, factory, description)];
        }
    }

    /// <summary>
    /// Adds optimizer <paramref name="name"/> whose options class lists its hyper-parameters with
    /// <see cref="HyperAttribute"/>: the run's keywords are read into <paramref name="defaults"/>'s result through its
    /// <see cref="HyperTable"/> (unknown keywords refused, values checked and errors naming the keyword, as for the
    /// built-in optimizers), then <paramref name="construct"/> builds the optimizer. Otherwise as
    /// <see cref="Register(string, Func{IEnumerable{NamedParameter}, TorchOptions, Optimizer}, string?)"/>.
    /// </summary>
    public static void Register<TOptions>(string name, Func<TOptions> defaults, Func<IEnumerable<NamedParameter>, TOptions, Optimizer> construct,
        string? description = null) where TOptions : OptimizerOptions
    {
        ArgumentNullException.ThrowIfNull(defaults);
        ArgumentNullException.ThrowIfNull(construct);
        var table = HyperTable.Of<TOptions>();
        Register(name, (parameters, keywords) =>
        {
            var options = table.Read(keywords, defaults());
            try { return construct(parameters, options); }
            catch (ArgumentException e) when (e is not InvalidOptionException && table.KeywordOf(e) is { } key)
            {
                throw new InvalidOptionException(key, keywords.ValueOf(key) ?? (e as ArgumentOutOfRangeException)?.ActualValue, InvalidOptionException.ReasonOf(e), innerException: e);
            }
        }, description);
    }

    /// <summary>The registration of <paramref name="name"/> (case-insensitive), or null for a built-in or unknown name.</summary>
    public static OptimizerRegistration? FindRegistered(string name) =>
        _registered.FirstOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>True when <paramref name="name"/> names a built-in or registered optimizer (case-insensitive).</summary>
    public static bool Contains(string name) => BuiltIns.ContainsKey(name) || FindRegistered(name) is not null;

    /// <summary>
    /// Builds optimizer <paramref name="name"/> over <paramref name="parameters"/>. An unknown name, an unknown
    /// option or an invalid value is an <see cref="InvalidOptionException"/> naming it.
    /// </summary>
    public static Optimizer Create(string name, IEnumerable<NamedParameter> parameters, TorchOptions options)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(options);
        string canonical;
        Func<IEnumerable<NamedParameter>, TorchOptions, Optimizer> create;
        HyperTable? table = null;
        if (BuiltIns.TryGetValue(name, out var builtIn))
        {
            (canonical, create) = (builtIn.Name, builtIn.Create);
            table = builtIn.Table;
        }
        else if (FindRegistered(name) is { } registered)
            (canonical, create) = (registered.Name, registered.Factory);
        else
            throw new InvalidOptionException("optimizer", name, $"unknown optimizer '{name}'{Suggestions.DidYouMean(name, Names)}; known optimizers: {string.Join(", ", Names)}");
        try
        {
            var optimizer = create(parameters, options)
                ?? throw new InvalidOperationException($"the factory registered for optimizer '{canonical}' returned null");
            options.EnsureAllUsed(canonical);
            return optimizer;
        }
        catch (InvalidOptionException e) when (e.Owner is null)
        {
            throw new InvalidOptionException(e.Key, e.Value, e.Reason, canonical, e);
        }
        catch (ArgumentException e) when (e is not InvalidOptionException && e.ParamName is { } property && KeywordOf(property, table, options) is { } key)
        {
            object? value = options.ValueOf(key) ?? (e as ArgumentOutOfRangeException)?.ActualValue;
            throw new InvalidOptionException(key, value, InvalidOptionException.ReasonOf(e), canonical, e);
        }
    }

    /// <summary>
    /// The keyword of options property <paramref name="property"/>: its row's, for a built-in optimizer; for a
    /// registered one, which has no table here, the property's name in snake_case when its factory read that keyword
    /// ("WeightDecay" → "weight_decay"); otherwise null.
    /// </summary>
    private static string? KeywordOf(string property, HyperTable? table, TorchOptions options)
    {
        if (table is not null) return table.Find(property)?.Keyword;
        string snake = string.Concat(property.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
        return options.WasRead(snake) ? snake : null;
    }

    private static bool IsValidName(string name) =>
        name.Length > 0 && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_');
}
