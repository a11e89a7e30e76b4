namespace Descent.Optim;

/// <summary>
/// The three textbook ways of writing SGD with momentum (seeds 000–004), as one option of <see cref="Sgd"/>.
/// With a constant learning rate they trace the same parameters under the mapping given for each; they differ
/// when the learning rate changes mid-run.
/// </summary>
public enum MomentumForm
{
    /// <summary>
    /// PyTorch's (and Qian's, seed 000): v ← μv + g, θ ← θ − ηv. A learning-rate change rescales the whole
    /// velocity at once.
    /// </summary>
    PyTorch,

    /// <summary>
    /// Sutskever et al. (2013) and Goodfellow et al. (seeds 001, 004): v ← αv − ρg, θ ← θ + v. Equal to
    /// <see cref="PyTorch"/> with ρ = η (v = −η·v_torch) while η is constant; a change of ρ affects only new
    /// gradients, the velocity keeps its old scale.
    /// </summary>
    Sutskever,

    /// <summary>
    /// Exponential moving average (seed 002): v ← βv + (1−β)g from v = 0, θ ← θ − ηv. Equal to
    /// <see cref="PyTorch"/> with η_torch = (1−β)·η (v = (1−β)·v_torch) while η is constant.
    /// </summary>
    Ema,
}
