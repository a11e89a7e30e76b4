using System.Reflection;
using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// A hyper-parameter of a parameter group that a <see cref="HyperParameterScheduler"/> can drive: the learning rate,
/// momentum, Adam's β₁ or β₂, weight decay, or any double property of an options class. Setting it goes through the
/// options' validated setter.
/// </summary>
public sealed class HyperParameter
{
    private readonly Func<OptimizerOptions, bool> _appliesTo;
    private readonly Func<OptimizerOptions, double> _get;
    private readonly Action<OptimizerOptions, double> _set;

    private HyperParameter(string name, Func<OptimizerOptions, bool> appliesTo, Func<OptimizerOptions, double> get, Action<OptimizerOptions, double> set)
    {
        Name = name;
        _appliesTo = appliesTo;
        _get = get;
        _set = set;
    }

    /// <summary>The name, in torch's spelling ("lr", "momentum", "beta1", "beta2", "weight_decay").</summary>
    public string Name { get; }

    /// <summary>The learning rate, <see cref="OptimizerOptions.Lr"/>.</summary>
    public static HyperParameter Lr { get; } = new("lr", _ => true, o => o.Lr, (o, v) => o.Lr = v);

    /// <summary>The momentum of options that have one (<see cref="IMomentumOptions"/>: SGD, RMSprop).</summary>
    public static HyperParameter Momentum { get; } = new("momentum", o => o is IMomentumOptions,
        o => ((IMomentumOptions)o).Momentum, (o, v) => ((IMomentumOptions)o).Momentum = v);

    /// <summary>β₁ of options with betas (<see cref="IBetaOptions"/>: the Adam family).</summary>
    public static HyperParameter Beta1 { get; } = new("beta1", o => o is IBetaOptions,
        o => ((IBetaOptions)o).Beta1, (o, v) => ((IBetaOptions)o).Beta1 = v);

    /// <summary>β₂ of options with betas (<see cref="IBetaOptions"/>).</summary>
    public static HyperParameter Beta2 { get; } = new("beta2", o => o is IBetaOptions,
        o => ((IBetaOptions)o).Beta2, (o, v) => ((IBetaOptions)o).Beta2 = v);

    /// <summary>The weight decay of options with a settable double <c>WeightDecay</c> property.</summary>
    public static HyperParameter WeightDecay { get; } = Property("weight_decay", "WeightDecay");

    /// <summary>The hyper-parameters known by name: lr, momentum, beta1, beta2, weight_decay.</summary>
    public static IReadOnlyList<HyperParameter> Known { get; } = [Lr, Momentum, Beta1, Beta2, WeightDecay];

    /// <summary>A known hyper-parameter by <paramref name="name"/> (case-insensitive); an unknown name lists the known ones.</summary>
    public static HyperParameter Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return Known.FirstOrDefault(h => string.Equals(h.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"unknown hyper-parameter '{name}'; known: {string.Join(", ", Known.Select(h => h.Name))}", nameof(name));
    }

    /// <summary>
    /// The public, settable double property <paramref name="propertyName"/> of whatever options class a group has
    /// (looked up on the group's runtime type).
    /// </summary>
    public static HyperParameter Property(string name, string propertyName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(propertyName);
        return new(name, o => Find(o, propertyName) is not null,
            o => (double)Find(o, propertyName)!.GetValue(o)!,
            (o, v) =>
            {
                try { Find(o, propertyName)!.SetValue(o, v); }
                catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner) { throw inner; }
            });
    }

    /// <summary>A hyper-parameter given by its own accessors.</summary>
    public static HyperParameter Custom(string name, Func<OptimizerOptions, bool> appliesTo, Func<OptimizerOptions, double> get, Action<OptimizerOptions, double> set)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(appliesTo);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(set);
        return new(name, appliesTo, get, set);
    }

    private static PropertyInfo? Find(OptimizerOptions o, string propertyName) =>
        o.GetType().GetProperty(propertyName, BindingFlags.Public | BindingFlags.Instance) is { PropertyType: var t, CanRead: true, CanWrite: true } p
        && t == typeof(double) ? p : null;

    /// <summary>Whether <paramref name="options"/> have this hyper-parameter.</summary>
    public bool AppliesTo(OptimizerOptions options) => _appliesTo(options ?? throw new ArgumentNullException(nameof(options)));

    /// <summary>The value in <paramref name="options"/>.</summary>
    public double Get(OptimizerOptions options) => AppliesTo(options) ? _get(options) : throw NotIn(options);

    /// <summary>Sets the value in <paramref name="options"/> through its validated setter.</summary>
    public void Set(OptimizerOptions options, double value)
    {
        if (!AppliesTo(options)) throw NotIn(options);
        _set(options, value);
    }

    private ArgumentException NotIn(OptimizerOptions options) =>
        new($"{options.GetType().Name} has no {Name}", nameof(options));

    /// <inheritdoc/>
    public override string ToString() => Name;
}
