namespace Descent.Optim;

/// <summary>What <see cref="Optimizer.Step()"/> does when a gradient holds NaN or ±∞.</summary>
public enum NonFinitePolicy
{
    /// <summary>Throw a <see cref="NonFiniteGradientException"/> naming the parameter and step; nothing is updated (the default).</summary>
    Throw,
    /// <summary>Skip the whole step: no parameter or state changes; <see cref="Optimizer.SkippedSteps"/> counts it.</summary>
    SkipStep,
    /// <summary>Apply the update anyway, as PyTorch does; the NaN or ∞ reaches the parameters.</summary>
    Propagate,
}

/// <summary>A gradient held NaN or ±∞ under <see cref="NonFinitePolicy.Throw"/>.</summary>
public sealed class NonFiniteGradientException(string parameter, long step)
    : ArithmeticException($"the gradient of parameter '{parameter}' holds NaN or infinity at step {step}; nothing was updated")
{
    /// <summary>The first parameter whose gradient was not finite.</summary>
    public string Parameter { get; } = parameter;

    /// <summary>The 1-based step at which it happened.</summary>
    public long Step { get; } = step;
}
