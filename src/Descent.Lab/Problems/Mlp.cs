using System.Globalization;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Problems;

/// <summary>
/// Linear layers with ReLU between them, named by position as in an <see cref="Sequential"/> (parameters
/// "0.weight", "0.bias", "2.weight", ...): the names of PyTorch's
/// <c>nn.Sequential(nn.Linear(784, 512), nn.ReLU(), ...)</c>, so a <c>--save</c> file loads into that model with
/// <c>model.load_state_dict</c>.
/// </summary>
public sealed class Mlp : Module
{
    private readonly List<Module> _layers = [];

    /// <summary>Creates the network inputs → hidden... → outputs, initialized from <paramref name="rng"/>.</summary>
    public Mlp(int inputs, IReadOnlyList<int> hidden, int outputs, Rng rng)
    {
        int width = inputs;
        foreach (int h in hidden)
        {
            Add(new Linear(width, h, rng));
            Add(new ReLU());
            width = h;
        }
        Add(new Linear(width, outputs, rng));
    }

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        var x = input.Rank == 2 ? input : input.Flatten();
        foreach (var layer in _layers) x = layer.Forward(x);
        return x;
    }

    private void Add(Module layer) => _layers.Add(RegisterModule(_layers.Count.ToString(CultureInfo.InvariantCulture), layer));
}
