using System.Globalization;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Lab.Training;

/// <summary>
/// An optimizer by name ("sgd", "adam", ... or torch's "SGD", "Adam") with options by their torch keyword names
/// ("lr", "betas", "weight_decay"); options left out take torch's defaults. <see cref="Create"/> builds it.
/// </summary>
public sealed record OptimizerSpec(string Name, IReadOnlyDictionary<string, object> Options)
{
    /// <summary>The common case: SGD with a learning rate and momentum.</summary>
    public static OptimizerSpec Sgd(double lr, double momentum = 0) =>
        new("sgd", new Dictionary<string, object> { ["lr"] = lr, ["momentum"] = momentum });

    /// <summary>Builds the optimizer over <paramref name="parameters"/>; bad names or values are errors naming them.</summary>
    public Optimizer Create(IReadOnlyList<NamedParameter> parameters) =>
        OptimizerCatalog.Create(Name, parameters, new TorchOptions(Options));

    /// <summary>
    /// Checks the name and options now, without a model: the same errors <see cref="Create"/> would give. Returns the
    /// optimizer built over one probe parameter.
    /// </summary>
    public Optimizer Validate()
    {
        var probe = Tensors.Tensor.Zeros(1);
        probe.RequiresGrad = true;
        return Create([new NamedParameter("probe", probe)]);
    }

    /// <summary>A compact description, such as "sgd(lr=0.05, momentum=0.9)".</summary>
    public override string ToString() =>
        $"{Name}({string.Join(", ", Options.Select(kv => $"{kv.Key}={Format(kv.Value)}"))})";

    private static string Format(object value) => value switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        double[] a => "(" + string.Join(", ", a.Select(x => x.ToString("G6", CultureInfo.InvariantCulture))) + ")",
        bool b => b ? "true" : "false",
        _ => value.ToString() ?? "",
    };
}
