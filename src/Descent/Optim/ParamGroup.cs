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

    private readonly Dictionary<string, double> _scalars = [];

    /// <summary>
    /// State the optimizer keeps per group rather than per parameter, as torch keeps it in <c>param_groups</c>
    /// (Prodigy's "d", "d_max", "d_numerator", ...); empty for most optimizers. State dicts hold it under
    /// "param_groups.&lt;i&gt;.&lt;name&gt;".
    /// </summary>
    public IReadOnlyDictionary<string, double> Scalars => _scalars;

    internal void SetScalar(string name, double value) => _scalars[name] = value;

    internal void ClearScalars() => _scalars.Clear();
}

/// <summary>A parameter group whose options have the optimizer's own type.</summary>
public sealed class ParamGroup<TOptions> : ParamGroup where TOptions : OptimizerOptions
{
    internal ParamGroup(IReadOnlyList<NamedParameter> parameters, TOptions options) : base(parameters, options) { }

    /// <summary>The group's hyper-parameters; setting one validates it.</summary>
    public new TOptions Options => (TOptions)base.Options;
}
