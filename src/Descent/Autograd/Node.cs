using Descent.Tensors;

namespace Descent.Autograd;

/// <summary>
/// One recorded operation of the autograd graph: the inputs it read and how to send the gradient of its output
/// back to them.
/// </summary>
internal sealed class Node
{
    private Action<Tensor>? _backward;

    public Node(string name, Tensor[] inputs, Action<Tensor> backward)
    {
        Name = name;
        Inputs = inputs;
        _backward = backward;
    }

    /// <summary>The operation's name, for error messages ("MatMul", "Relu").</summary>
    public string Name { get; }

    /// <summary>The tensors the operation read.</summary>
    public Tensor[] Inputs { get; }

    /// <summary>Runs the backward function with d(loss)/d(output), then frees what it captured.</summary>
    public void Run(Tensor gradOutput)
    {
        var backward = _backward ?? throw new InvalidOperationException(
            $"the graph through {Name} was already used by a Backward() call and freed; recompute the forward pass");
        _backward = null;
        backward(gradOutput);
    }
}
