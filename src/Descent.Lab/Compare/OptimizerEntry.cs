using Descent.Lab.Training;

namespace Descent.Lab.Compare;

/// <summary>One optimizer of a comparison: the label it is reported under (such as "momentum") and what it is.</summary>
public sealed record OptimizerEntry(string Label, OptimizerSpec Spec)
{
    /// <summary>"label = spec", such as "momentum = sgd(lr=0.05, momentum=0.9)".</summary>
    public override string ToString() => $"{Label} = {Spec}";
}
