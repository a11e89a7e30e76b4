namespace Descent.Optim;

/// <summary>The hyper-parameters every Schedule-Free optimizer has (<see cref="ScheduleFree{TOptions}"/>).</summary>
public interface IScheduleFreeOptions
{
    /// <summary>The learning rate η.</summary>
    double Lr { get; }

    /// <summary>Steps of linear warmup of the learning rate, ≥ 0 (torch keyword <c>warmup_steps</c>).</summary>
    int WarmupSteps { get; }

    /// <summary>The power r of the polynomial weighting of the average, ≥ 0 (<c>r</c>).</summary>
    double R { get; }

    /// <summary>The power of the largest learning rate so far in each step's averaging weight, ≥ 0 (<c>weight_lr_power</c>).</summary>
    double WeightLrPower { get; }
}
