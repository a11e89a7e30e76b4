using Descent.Nn;
using Descent.Optim;

namespace Descent.Lab.Training;

/// <summary>
/// An optimizer by name with its hyper-parameters, as given on the command line; <see cref="Create"/> builds it.
/// </summary>
public sealed record OptimizerSpec(string Name, double Lr, double Momentum = 0, double Dampening = 0, double WeightDecay = 0, bool Nesterov = false)
{
    /// <summary>The optimizer names known here.</summary>
    public static IReadOnlyList<string> Names { get; } = ["sgd"];

    /// <summary>Builds the optimizer over <paramref name="parameters"/>; bad names or values are errors naming them.</summary>
    public Sgd Create(IReadOnlyList<NamedParameter> parameters) => Name.ToLowerInvariant() switch
    {
        "sgd" => new Sgd(parameters, Lr, Momentum, Dampening, WeightDecay, Nesterov),
        _ => throw new ArgumentException($"unknown optimizer '{Name}'; known optimizers: {string.Join(", ", Names)}", nameof(Name)),
    };

    /// <summary>A compact description, such as "sgd(lr=0.05, momentum=0.9)".</summary>
    public override string ToString()
    {
        var parts = new List<string> { $"lr={Lr:G6}" };
        if (Momentum != 0) parts.Add($"momentum={Momentum:G6}");
        if (Dampening != 0) parts.Add($"dampening={Dampening:G6}");
        if (WeightDecay != 0) parts.Add($"weight_decay={WeightDecay:G6}");
        if (Nesterov) parts.Add("nesterov");
        return $"{Name}({string.Join(", ", parts)})";
    }
}
