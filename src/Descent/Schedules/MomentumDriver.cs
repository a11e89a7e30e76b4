using Descent.Optim;

namespace Descent.Schedules;

/// <summary>
/// How a scheduler that cycles momentum reaches it: β₁ for options with betas (Adam family, as torch's
/// <c>'betas' in optimizer.defaults</c>), otherwise <see cref="IMomentumOptions.Momentum"/>.
/// </summary>
internal sealed class MomentumDriver
{
    private readonly Optimizer _optimizer;

    private MomentumDriver(Optimizer optimizer, bool useBeta1)
    {
        _optimizer = optimizer;
        UsesBeta1 = useBeta1;
    }

    /// <summary>Whether β₁ is driven rather than momentum.</summary>
    public bool UsesBeta1 { get; }

    /// <summary>The state-dict name of the driven value.</summary>
    public string Name => UsesBeta1 ? "beta1" : "momentum";

    /// <summary>The driver for <paramref name="optimizer"/>, or an error naming <paramref name="argument"/> when it has neither.</summary>
    public static MomentumDriver For(Optimizer optimizer, bool allowBetas, string scheduler, string argument)
    {
        var options = optimizer.DefaultOptions;
        if (allowBetas && options is IBetaOptions) return new MomentumDriver(optimizer, true);
        if (options is IMomentumOptions) return new MomentumDriver(optimizer, false);
        string has = allowBetas ? "a momentum or betas" : "a momentum";
        throw new ArgumentException(
            $"{scheduler} cycles momentum, and {options.GetType().Name} has no {has} option; pass cycle_momentum = false", argument);
    }

    public double Get(int group) => _optimizer.ParamGroups[group].Options switch
    {
        IBetaOptions b when UsesBeta1 => b.Beta1,
        IMomentumOptions m => m.Momentum,
        _ => throw new InvalidOperationException("the group has no momentum"),
    };

    public void Set(int group, double value)
    {
        switch (_optimizer.ParamGroups[group].Options)
        {
            case IBetaOptions b when UsesBeta1: b.Beta1 = value; break;
            case IMomentumOptions m: m.Momentum = value; break;
            default: throw new InvalidOperationException("the group has no momentum");
        }
    }

    public void Save(IDictionary<string, double> state, string prefix)
    {
        for (int i = 0; i < _optimizer.ParamGroups.Count; i++) state[$"{prefix}{Name}.{i}"] = Get(i);
    }

    public double[] Read(StateReader state, string prefix)
    {
        var values = new double[_optimizer.ParamGroups.Count];
        for (int i = 0; i < values.Length; i++) values[i] = state.Finite($"{prefix}{Name}.{i}");
        return values;
    }

    public void SetAll(double[] values)
    {
        for (int i = 0; i < values.Length; i++) Set(i, values[i]);
    }
}
