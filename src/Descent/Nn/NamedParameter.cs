using System.Globalization;
using Descent.Tensors;

namespace Descent.Nn;

/// <summary>A parameter together with its dotted name in the module tree, such as "0.weight".</summary>
public readonly record struct NamedParameter(string Name, Tensor Value)
{
    /// <summary>
    /// Names <paramref name="tensors"/> by their position, "0", "1", ... (from <paramref name="start"/>), as
    /// torch.optim numbers the parameters of an optimizer's state dict. Optimizers use it for
    /// <c>model.Parameters()</c>; prefer <see cref="Module.NamedParameters"/>, whose names survive a change of model.
    /// </summary>
    public static IReadOnlyList<NamedParameter> ByPosition(IEnumerable<Tensor> tensors, int start = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        var result = new List<NamedParameter>();
        foreach (var tensor in tensors)
        {
            if (tensor is null) throw new ArgumentException($"parameter {start + result.Count} is null", nameof(tensors));
            result.Add(new NamedParameter((start + result.Count).ToString(CultureInfo.InvariantCulture), tensor));
        }
        return result;
    }
}
