using Descent.Nn;

namespace Descent.Optim;

/// <summary>
/// A set of parameters that share hyper-parameters. The options are per group and may be changed between steps
/// (schedules change the learning rate this way); every change is validated.
/// </summary>
public class ParamGroup
{
    internal ParamGroup(IReadOnlyList<NamedParameter> parameters, OptimizerOptions options)
    {
        Parameters = parameters;
        Options = options;
    }

    /// <summary>The parameters of the group, with their names.</summary>
    public IReadOnlyList<NamedParameter> Parameters { get; }

    /// <summary>The group's hyper-parameters.</summary>
    public OptimizerOptions Options { get; }

    /// <summary>
    /// Scalars an optimizer keeps per group rather than per parameter (Schedule-Free's step count <c>k</c> and
    /// <c>weight_sum</c>, Prodigy's <c>d</c>), by torch's <c>param_groups</c> key. They are part of the state dict (as
    /// <see cref="OptimizerStateDict.GlobalScalars"/> "group&lt;i&gt;.&lt;key&gt;"), so checkpoints keep them.
    /// </summary>
    public IReadOnlyDictionary<string, double> Scalars => _scalars;

    private readonly Dictionary<string, double> _scalars = [];

    /// <summary>The group scalar <paramref name="name"/>, or <paramref name="initialValue"/> (stored) on first use.</summary>
    public double Scalar(string name, double initialValue)
    {
        if (!_scalars.TryGetValue(name, out var value)) _scalars[name] = value = initialValue;
        return value;
    }

    /// <summary>Sets the group scalar <paramref name="name"/>.</summary>
    public void SetScalar(string name, double value) => _scalars[name] = value;

    internal void ClearScalars() => _scalars.Clear();
}

/// <summary>A parameter group whose options have the optimizer's own type.</summary>
public sealed class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
{
    internal ParamGroup(IReadOnlyList<NamedParameter> parameters, TOptions options) : base(parameters, options) { }

    /// <summary>The group's hyper-parameters; setting one validates it.</summary>
    public new TOptions Options => (TOptions)base.Options;
}
