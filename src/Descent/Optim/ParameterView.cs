using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// One parameter as an update rule sees it: its name ("0.weight"), its shape, its values and its gradient. Rules
/// that treat a weight as a matrix (Muon, Shampoo) read <see cref="Shape"/>; per-layer rules (LARS, LAMB, excluding
/// biases from weight decay) read <see cref="Name"/> or <see cref="Shape"/>. A view is a stack-only struct over the
/// parameter's own memory: building one allocates nothing.
/// </summary>
public readonly ref struct ParameterView
{
    /// <summary>Creates the view.</summary>
    public ParameterView(string name, Shape shape, Span<float> values, ReadOnlySpan<float> grad)
    {
        Name = name;
        Shape = shape;
        Values = values;
        Grad = grad;
    }

    /// <summary>The parameter's name, as the optimizer was given it (dotted module path, or its position "0", "1", ...).</summary>
    public string Name { get; }

    /// <summary>The parameter's shape, such as [out, in] for a linear layer's weight.</summary>
    public Shape Shape { get; }

    /// <summary>The parameter's values, row-major; the rule changes them in place.</summary>
    public Span<float> Values { get; }

    /// <summary>The gradient, with the parameter's shape and layout.</summary>
    public ReadOnlySpan<float> Grad { get; }

    /// <summary>The number of dimensions: 1 for a bias, 2 for a linear layer's weight, 4 for a convolution's.</summary>
    public int Rank => Shape.Rank;
}
