using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// All parameters of a model in one contiguous array, and all their gradients in another, with each parameter a
/// view into them. A fused optimizer step can then sweep the whole model in one pass, and copying or
/// checkpointing a model is one block copy.
/// </summary>
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
