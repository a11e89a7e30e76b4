using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>max(x, 0) elementwise. The derivative at 0 is taken as 0, as in PyTorch.</summary>
    public Tensor Relu()
    {
        var x = this;
        var y = UninitializedLike();
        Activations.Relu(x.Span, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("Relu", [x], g =>
        {
            var gx = x.GradForWrite(out bool acc);
            Activations.ReluBackward(y.Span, g.Span, gx.Span, acc);
        });
    }

    /// <summary>1 / (1 + e^−x) elementwise.</summary>
    public Tensor Sigmoid()
    {
        var x = this;
        var y = UninitializedLike();
        Elementwise.Sigmoid(x.Span, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("Sigmoid", [x], g =>
        {
            var gx = x.GradForWrite(out bool acc);
            Activations.SigmoidBackward(y.Span, g.Span, gx.Span, acc);
        });
    }

    /// <summary>tanh(x) elementwise.</summary>
    public Tensor Tanh()
    {
        var x = this;
        var y = UninitializedLike();
        Elementwise.Tanh(x.Span, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("Tanh", [x], g =>
        {
            var gx = x.GradForWrite(out bool acc);
            Activations.TanhBackward(y.Span, g.Span, gx.Span, acc);
        });
    }

    /// <summary>e^x elementwise.</summary>
    public Tensor Exp()
    {
        var x = this;
        var y = UninitializedLike();
        Elementwise.Exp(x.Span, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("Exp", [x], g =>
        {
            var gx = g.UninitializedLike();
            Elementwise.Multiply(g.Span, y.Span, gx.Span);
            x.AccumulateGrad(gx.Span);
        });
    }

    /// <summary>The natural logarithm elementwise.</summary>
    public Tensor Log()
    {
        var x = this;
        var y = UninitializedLike();
        Elementwise.Log(x.Span, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("Log", [x], g =>
        {
            var gx = g.UninitializedLike();
            Elementwise.Divide(g.Span, x.Span, gx.Span);
            x.AccumulateGrad(gx.Span);
        });
    }

    /// <summary>x² elementwise.</summary>
    public Tensor Square()
    {
        var x = this;
        var y = UninitializedLike();
        Elementwise.Multiply(x.Span, x.Span, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("Square", [x], g =>
        {
            var gx = g.UninitializedLike();
            Elementwise.Multiply(g.Span, x.Span, gx.Span);
            Elementwise.Multiply(gx.Span, 2f, gx.Span);
            x.AccumulateGrad(gx.Span);
        });
    }
}
