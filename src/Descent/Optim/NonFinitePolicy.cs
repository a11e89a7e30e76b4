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

/// <summary>
/// A gradient held NaN or ±∞ under <see cref="NonFinitePolicy.Throw"/>. Its subclass <see cref="NonFiniteLossException"/>
/// reports a non-finite loss seen by an optimizer that evaluates the loss itself (LBFGS), so a handler of this
/// exception (the run diverged) handles both.
/// </summary>
public class NonFiniteGradientException : ArithmeticException
{
    /// <summary>The gradient of <paramref name="parameter"/> was not finite at the 1-based <paramref name="step"/>.</summary>
    public NonFiniteGradientException(string parameter, long step)
        : this($"the gradient of parameter '{parameter}' holds NaN or infinity at step {step}; nothing was updated", parameter, step) { }

    /// <summary>For subclasses: the exception with its own <paramref name="message"/>.</summary>
    protected NonFiniteGradientException(string message, string parameter, long step) : base(message)
    {
        Parameter = parameter;
        Step = step;
    }

    /// <summary>The first parameter whose gradient was not finite (empty for a <see cref="NonFiniteLossException"/>).</summary>
    public string Parameter { get; }

    /// <summary>The 1-based step at which it happened.</summary>
    public long Step { get; }
}
