using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// An optimizer's state as plain data: the step count of each parameter, its scalars, and its buffers under keys
/// "&lt;parameter&gt;.&lt;buffer&gt;" (such as "layers.0.weight.exp_avg").
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>Updates applied, per parameter name.</summary>
    public Dictionary<string, long> Steps { get; } = [];

    /// <summary>Per-parameter scalars by "&lt;parameter&gt;.&lt;name&gt;".</summary>
    public Dictionary<string, double> Scalars { get; } = [];

    /// <summary>State buffers by "&lt;parameter&gt;.&lt;buffer&gt;".</summary>
    public Dictionary<string, Tensor> Buffers { get; } = [];
}
