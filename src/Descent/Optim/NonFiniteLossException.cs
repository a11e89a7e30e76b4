namespace Descent.Optim;

/// <summary>
/// A loss returned by a closure was NaN or ±∞ under <see cref="NonFinitePolicy.Throw"/>, in an optimizer that
/// evaluates the loss itself (<see cref="LBFGS"/>); nothing was updated. It is a <see cref="NonFiniteGradientException"/>
/// (a loss that is not finite has no usable gradient either) whose <see cref="NonFiniteGradientException.Parameter"/>
/// is empty.
/// </summary>
public sealed class NonFiniteLossException(double loss, long step)
    : NonFiniteGradientException($"the loss is {loss.ToString(System.Globalization.CultureInfo.InvariantCulture)} at step {step}; nothing was updated", "", step)
{
    /// <summary>The loss the closure returned.</summary>
    public double Loss { get; } = loss;
}
