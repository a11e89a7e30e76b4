using Descent.Nn;

namespace Descent.Optim;

/// <summary>
/// Every optimizer by its torch.optim class name ("SGD", "Adam", ...; case-insensitive), built from options given by
/// their torch keyword names. Used by the command line and by the conformance recordings.
/// </summary>
public static class OptimizerCatalog
{
    private static readonly Dictionary<string, Func<IEnumerable<NamedParameter>, TorchOptions, Optimizer>> Factories =
        new(StringComparer.OrdinalIgnoreCase)
        {
            ["SGD"] = Sgd.FromTorch,
            ["Adagrad"] = Adagrad.FromTorch,
            ["Adadelta"] = Adadelta.FromTorch,
            ["RMSprop"] = RMSprop.FromTorch,
            ["Rprop"] = Rprop.FromTorch,
            ["ASGD"] = ASGD.FromTorch,
            ["Adam"] = Adam.FromTorch,
            ["AdamW"] = AdamW.FromTorch,
            ["Adamax"] = Adamax.FromTorch,
            ["NAdam"] = NAdam.FromTorch,
            ["RAdam"] = RAdam.FromTorch,
            ["LBFGS"] = LBFGS.FromTorch,
        };

    /// <summary>The torch class names, as torch spells them.</summary>
    public static IReadOnlyList<string> Names => Factories.Keys.ToList();

    /// <summary>
    /// Builds optimizer <paramref name="name"/> over <paramref name="parameters"/>. An unknown name, an unknown
    /// option or an invalid value is an <see cref="ArgumentException"/> naming it.
    /// </summary>
    public static Optimizer Create(string name, IEnumerable<NamedParameter> parameters, TorchOptions options)
    {
        if (!Factories.TryGetValue(name, out var create))
            throw new InvalidOptionException("optimizer", name, $"unknown optimizer '{name}'{Suggestions.DidYouMean(name, Names)}; known optimizers: {string.Join(", ", Names)}");
        string canonical = Factories.Keys.First(k => string.Equals(k, name, StringComparison.OrdinalIgnoreCase));
        try
        {
            var optimizer = create(parameters, options);
            options.EnsureAllUsed(canonical);
            return optimizer;
        }
        catch (InvalidOptionException e) when (e.Owner is null)
        {
            throw new InvalidOptionException(e.Key, e.Value, e.Reason, canonical, e);
        }
        catch (ArgumentException e) when (e is not InvalidOptionException && e.ParamName is { } property && options.KeyOf(property) is { } key)
        {
            object? value = options.ValueOf(key) ?? (e as ArgumentOutOfRangeException)?.ActualValue;
            throw new InvalidOptionException(key, value, InvalidOptionException.ReasonOf(e), canonical, e);
        }
    }
}
