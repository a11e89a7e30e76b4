using Descent.Nn;

namespace Descent.Optim;

/// <summary>
/// A set of parameters that share hyper-parameters. Hyper-parameters are per group and can be changed between
/// steps (schedules change the learning rate this way); every change is validated.
/// </summary>
public sealed class ParamGroup<TOptions> where TOptions : OptimizerOptions
{
    internal ParamGroup(IReadOnlyList<NamedParameter> parameters, TOptions options)
    {
        Parameters = parameters;
        Options = options;
    }

    /// <summary>The parameters of the group, with their names.</summary>
    public IReadOnlyList<NamedParameter> Parameters { get; }

    /// <summary>The group's hyper-parameters; setting one validates it.</summary>
    public TOptions Options { get; }
}

/// <summary>Hyper-parameters every optimizer has.</summary>
public abstract class OptimizerOptions
{
    private double _lr;

    /// <summary>The learning rate, ≥ 0.</summary>
    public double Lr
    {
        get => _lr;
        set
        {
            if (!(value >= 0) || double.IsInfinity(value)) throw new ArgumentOutOfRangeException(nameof(Lr), value, "learning rate must be a finite number >= 0");
            _lr = value;
        }
    }

    /// <summary>A copy, so each group owns its own values.</summary>
    public abstract OptimizerOptions Clone();
}
