using Descent.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Optim;

/// <summary>
/// An exponential moving average of the weights, θ̄ ← d·θ̄ + (1−d)·θ after every optimizer step, started from the
/// weights at the first update (Polyak averaging with exponential forgetting). Evaluate with the averaged weights
/// through <see cref="SwapInto"/>, called again to swap back.
/// </summary>
public sealed class WeightAverage
{
    private readonly Dictionary<string, float[]> _shadow = [];

    /// <summary>Creates the average with decay <paramref name="decay"/> in [0, 1).</summary>
    public WeightAverage(double decay) => Decay = Check.UnitInterval(decay, nameof(decay), "average decay");

    /// <summary>The weight of the old average.</summary>
    public double Decay { get; }

    /// <summary>The averaged value of a parameter, by name.</summary>
    public ReadOnlySpan<float> this[string parameterName] => _shadow[parameterName];

    internal void Update(Optimizer optimizer)
    {
        float d = (float)Decay;
        foreach (var group in optimizer.ParamGroups)
            foreach (var p in group.Parameters)
            {
                if (!_shadow.TryGetValue(p.Name, out var shadow))
                {
                    _shadow[p.Name] = p.Value.ToArray();
                    continue;
                }
                // θ̄ = d·θ̄ + (1 − d)·θ, as θ̄ + (1 − d)(θ − θ̄) to keep constants exact when d is near 1.
                TP.Lerp(shadow, p.Value.Span, 1f - d, shadow);
            }
    }

    /// <summary>Exchanges the parameters' values with the averages (call twice to restore).</summary>
    public void SwapInto(Optimizer optimizer)
    {
        foreach (var group in optimizer.ParamGroups)
            foreach (var p in group.Parameters)
                if (_shadow.TryGetValue(p.Name, out var shadow))
                {
                    var span = p.Value.Span;
                    var temp = span.ToArray();
                    shadow.CopyTo(span);
                    temp.CopyTo(shadow, 0);
                }
    }
}
