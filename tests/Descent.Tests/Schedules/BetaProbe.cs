using Descent.Conformance;
using Descent.Nn;
using Descent.Optim;

namespace Descent.Tests.Schedules;

/// <summary>Options with betas (as the Adam family's), for driving β₁ without depending on an Adam implementation.</summary>
public sealed class BetaProbeOptions : OptimizerOptions, IBetaOptions
{
    private double _beta1 = 0.9, _beta2 = 0.999, _weightDecay;

    /// <inheritdoc/>
    public double Beta1 { get => _beta1; set => _beta1 = Check.UnitInterval(value, nameof(Beta1), "beta1"); }

    /// <inheritdoc/>
    public double Beta2 { get => _beta2; set => _beta2 = Check.UnitInterval(value, nameof(Beta2), "beta2"); }

    /// <summary>A weight decay, for the "weight_decay" hyper-parameter.</summary>
    public double WeightDecay { get => _weightDecay; set => _weightDecay = Check.NonNegative(value, nameof(WeightDecay), "weight decay"); }
}

/// <summary>An optimizer with <see cref="BetaProbeOptions"/> that leaves parameters alone.</summary>
public sealed class BetaProbe : Optimizer<BetaProbeOptions>
{
    public BetaProbe(IEnumerable<NamedParameter> parameters, double lr) : base(parameters, new BetaProbeOptions { Lr = lr }) { }

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, BetaProbeOptions options, ParameterState state) { }
}

/// <summary>Options with neither momentum nor betas.</summary>
public sealed class PlainProbeOptions : OptimizerOptions;

/// <summary>An optimizer with <see cref="PlainProbeOptions"/> that leaves parameters alone.</summary>
public sealed class PlainProbe : Optimizer<PlainProbeOptions>
{
    public PlainProbe(IEnumerable<NamedParameter> parameters, double lr) : base(parameters, new PlainProbeOptions { Lr = lr }) { }

    protected override void Update(Span<float> param, ReadOnlySpan<float> grad, PlainProbeOptions options, ParameterState state) { }
}

/// <summary>Optimizers for the schedule tests: one single-element parameter per group.</summary>
internal static class Probes
{
    public static Sgd Sgd(double lr = 0.1, double momentum = 0.9, params double[] moreGroupLrs)
    {
        var sgd = new Sgd([Descent.Conformance.ScheduleReplay.Parameter(0)], new SgdOptions { Lr = lr, Momentum = momentum });
        for (int g = 0; g < moreGroupLrs.Length; g++)
            sgd.AddParamGroup([Descent.Conformance.ScheduleReplay.Parameter(g + 1)], new SgdOptions { Lr = moreGroupLrs[g], Momentum = momentum });
        return sgd;
    }

    public static BetaProbe Beta(double lr = 0.001) => new([Descent.Conformance.ScheduleReplay.Parameter(0)], lr);

    public static PlainProbe Plain(double lr = 0.1) => new([Descent.Conformance.ScheduleReplay.Parameter(0)], lr);

    /// <summary>Asserts an <see cref="ArgumentException"/> (or subclass) naming <paramref name="parameter"/>.</summary>
    public static ArgumentException Rejects(string parameter, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(parameter, e.ParamName);
        return e;
    }
}
