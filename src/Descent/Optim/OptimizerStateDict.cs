using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// An optimizer's state as plain data: the step count of each parameter, its scalars, and its buffers under keys
/// "&lt;parameter&gt;.&lt;buffer&gt;" (such as "0.weight.exp_avg"); and the optimizer-wide state that belongs
/// to no single parameter (LBFGS's search direction and curvature history) under plain names.
/// </summary>
public sealed class OptimizerStateDict
{
    /// <summary>Updates applied, per parameter name.</summary>
    public Dictionary<string, long> Steps { get; } = [];

    /// <summary>Per-parameter scalars by "&lt;parameter&gt;.&lt;name&gt;".</summary>
    public Dictionary<string, double> Scalars { get; } = [];

    /// <summary>State buffers by "&lt;parameter&gt;.&lt;buffer&gt;".</summary>
    public Dictionary<string, Tensor> Buffers { get; } = [];

    /// <summary>Optimizer-wide scalars by name (such as LBFGS's "n_iter" and "H_diag"); empty for most optimizers.</summary>
    public Dictionary<string, double> GlobalScalars { get; } = [];

    /// <summary>
    /// Optimizer-wide tensors of any shape by name (such as LBFGS's "d", over all parameters flattened, and
    /// "old_dirs", one row per kept pair); empty for most optimizers.
    /// </summary>
    public Dictionary<string, Tensor> GlobalBuffers { get; } = [];
}
