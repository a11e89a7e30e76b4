using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// Inverted dropout (Srivastava et al., 2014): in training mode each element is zeroed with probability p and the
/// rest scaled by 1/(1−p); in evaluation mode the input passes unchanged.
/// </summary>
public sealed class Dropout : Module
{
    private readonly Rng _rng;

    /// <summary>Creates the layer; the masks are drawn from <paramref name="rng"/>.</summary>
    public Dropout(float p, Rng rng)
    {
        if (!(p >= 0f && p < 1f)) throw new ArgumentOutOfRangeException(nameof(p), p, "dropout probability must be in [0, 1)");
        ArgumentNullException.ThrowIfNull(rng);
        P = p;
        _rng = rng;
    }

    /// <summary>The probability of zeroing an element.</summary>
    public float P { get; }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => IsTraining ? input.Dropout(P, _rng) : input;
}
