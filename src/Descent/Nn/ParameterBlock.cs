using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// All parameters of a model in one contiguous array, and all their gradients in another, with each parameter a
/// view into them, each starting on a cache-line boundary: a model's weights and gradients are two allocations
/// instead of two per tensor, laid out in the order the forward and backward passes and the optimizer visit them.
/// </summary>
/// <remarks>
/// The optimizer still updates one parameter at a time: its state buffers are allocated per parameter, and a
/// step's per-parameter bookkeeping costs microseconds against the milliseconds of a training step, so sweeping the
/// block in one fused pass would not pay for the state layout it needs.
/// </remarks>
public sealed class ParameterBlock
{
    /// <summary>Each parameter starts on a 64-byte (16-float) boundary of the block.</summary>
    public const int Alignment = 16;

    private ParameterBlock(float[] values, float[] gradients, IReadOnlyList<NamedParameter> parameters, int[] offsets)
    {
        Values = values;
        Gradients = gradients;
        Parameters = parameters;
        Offsets = offsets;
    }

    /// <summary>The parameter values, every parameter at its offset.</summary>
    public float[] Values { get; }

    /// <summary>The gradient buffers, at the same offsets as the values.</summary>
    public float[] Gradients { get; }

    /// <summary>The parameters, in the model's order.</summary>
    public IReadOnlyList<NamedParameter> Parameters { get; }

    /// <summary>The offset of each parameter in <see cref="Values"/> and <see cref="Gradients"/>.</summary>
    public IReadOnlyList<int> Offsets { get; }

    /// <summary>
    /// Moves every parameter of <paramref name="model"/> (and any gradient it holds) into one block, keeping the
    /// values; the parameter tensors stay the same objects, now views of the block.
    /// </summary>
    public static ParameterBlock Flatten(Module model)
    {
        var parameters = model.NamedParameters();
        var offsets = new int[parameters.Count];
        long total = 0;
        for (int i = 0; i < parameters.Count; i++)
        {
            offsets[i] = checked((int)total);
            total += (parameters[i].Value.Length + Alignment - 1) / Alignment * Alignment;
        }
        var values = new float[checked((int)total)];
        var gradients = new float[values.Length];
        for (int i = 0; i < parameters.Count; i++)
            parameters[i].Value.Rebind(values, offsets[i], gradients, offsets[i]);
        return new ParameterBlock(values, gradients, parameters, offsets);
    }
}
