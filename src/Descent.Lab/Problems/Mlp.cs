using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Problems;

/// <summary>
/// Linear layers with ReLU between them, held in a child named "layers" (parameters "layers.0.weight", ...), the
/// same names as a PyTorch model with <c>self.layers = nn.Sequential(...)</c>.
/// </summary>
public sealed class Mlp : Module
{
    private readonly Sequential _layers;

    /// <summary>Creates the network inputs → hidden... → outputs, initialized from <paramref name="rng"/>.</summary>
    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, Rng rng)
    {
        _layers = RegisterModule("layers", new Sequential());
        int width = inputs;
        foreach (int h in hidden)
        {
            _layers.Add(new Linear(width, h, rng));
            _layers.Add(new ReLU());
            width = h;
        }
        _layers.Add(new Linear(width, outputs, rng));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input) => _layers.Forward(input.Rank == 2 ? input : input.Flatten());
}
