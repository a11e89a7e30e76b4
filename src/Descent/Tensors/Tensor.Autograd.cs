using Descent.Autograd;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>
    /// Computes the gradient of this scalar with respect to every tensor it was computed from that requires grad,
    /// and adds it to their <see cref="Grad"/>. The recorded graph is freed: call the forward pass again before the
    /// next Backward().
    /// </summary>
    public void Backward() => Backpropagation.Run(this);

    /// <summary>A view of the same storage that autograd does not track.</summary>
    public Tensor Detach() => new(_storage, _offset, Shape);

    /// <summary>True when autograd must record an operation that reads these inputs.</summary>
    internal static bool ShouldRecord(Tensor a) => a.RequiresGrad && GradMode.IsEnabled;

    /// <inheritdoc cref="ShouldRecord(Tensor)"/>
    internal static bool ShouldRecord(Tensor a, Tensor b) => (a.RequiresGrad || b.RequiresGrad) && GradMode.IsEnabled;

    /// <inheritdoc cref="ShouldRecord(Tensor)"/>
    internal static bool ShouldRecord(Tensor a, Tensor b, Tensor? c) =>
        (a.RequiresGrad || b.RequiresGrad || (c?.RequiresGrad ?? false)) && GradMode.IsEnabled;

    /// <summary>
    /// Records that this tensor is the output of operation <paramref name="name"/> over <paramref name="inputs"/>;
    /// <paramref name="backward"/> receives d(loss)/d(this) and must add each input's share to that input.
    /// </summary>
    internal Tensor Record(string name, Tensor[] inputs, Action<Tensor> backward)
    {
        SetGradFn(new Node(name, inputs, backward));
        return this;
    }

    /// <summary>
    /// Adds <paramref name="contribution"/> to this tensor's gradient (or stores it, when there is none yet).
    /// Does nothing when the tensor does not require grad.
    /// </summary>
    internal void AccumulateGrad(ReadOnlySpan<float> contribution)
    {
        if (!RequiresGrad) return;
        var grad = GradForWrite(out bool accumulate);
        if (accumulate) Kernels.Elementwise.Add(grad.Span, contribution, grad.Span);
        else contribution.CopyTo(grad.Span);
    }
}
