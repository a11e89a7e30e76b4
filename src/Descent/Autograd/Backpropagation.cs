using Descent.Tensors;

namespace Descent.Autograd;

/// <summary>Reverse-mode differentiation over the recorded graph of a scalar.</summary>
internal static class Backpropagation
{
    /// <summary>
    /// Accumulates d(root)/d(leaf) into the gradient of every leaf that requires it, visiting each recorded
    /// operation once, in reverse topological order. Gradients of intermediate tensors are freed afterwards.
    /// </summary>
    public static void Run(Tensor root)
    {
        if (!root.RequiresGrad)
            throw new InvalidOperationException("Backward() needs a tensor that requires grad: no input of the computation had RequiresGrad set");
        if (root.Length != 1)
            throw new InvalidOperationException($"Backward() needs a scalar (one element); this tensor has shape {root.Shape}");

        var order = TopologicalOrder(root);
        var seed = root.GradForWrite(out bool accumulate);
        seed.Span[0] = accumulate ? seed.Span[0] + 1f : 1f;

        using (GradMode.NoGrad())
        {
            for (int i = order.Count - 1; i >= 0; i--)
            {
                var tensor = order[i];
                if (!tensor.HasGrad) continue;
                tensor.GradFn!.Run(tensor.GradBuffer!);
                tensor.ReleaseGrad();
            }
        }
    }

    /// <summary>Non-leaf tensors reachable from <paramref name="root"/>, each after all the tensors it depends on.</summary>
    private static List<Tensor> TopologicalOrder(Tensor root)
    {
        var order = new List<Tensor>();
        if (root.GradFn is null) return order;
        var visited = new HashSet<Tensor>(ReferenceEqualityComparer.Instance);
        var stack = new Stack<(Tensor Tensor, int NextInput)>();
        stack.Push((root, 0));
        visited.Add(root);
        while (stack.Count > 0)
        {
            var (tensor, next) = stack.Pop();
            var inputs = tensor.GradFn!.Inputs;
            if (next < inputs.Length)
            {
                stack.Push((tensor, next + 1));
                var input = inputs[next];
                if (input.GradFn is not null && visited.Add(input)) stack.Push((input, 0));
            }
            else
            {
                order.Add(tensor);
            }
        }
        return order;
    }
}
