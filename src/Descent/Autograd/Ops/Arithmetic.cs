using Descent.Tensors.Kernels;

namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>How the second operand of a binary operation lines up with the first.</summary>
    private enum Broadcast { Same, Row, Scalar }

    /// <summary>
    /// Same shape; <paramref name="b"/> a row vector of the last dimension of <paramref name="a"/>, repeated over
    /// the rows; or <paramref name="b"/> a one-element tensor.
    /// </summary>
    private static Broadcast Classify(Tensor a, Tensor b, string op)
    {
        if (a.Shape == b.Shape) return Broadcast.Same;
        if (b.Length == 1) return Broadcast.Scalar;
        if (a.Rank >= 1 && b.Length == a.Shape[-1] && IsRowShape(b.Shape)) return Broadcast.Row;
        throw new ArgumentException($"{op}: shapes {a.Shape} and {b.Shape} do not broadcast (same shape, a row vector of the last dimension, or one element)");
    }

    private static bool IsRowShape(Shape s)
    {
        for (int i = 0; i < s.Rank - 1; i++) if (s[i] != 1) return false;
        return true;
    }

    /// <summary>a + b, with <paramref name="b"/> broadcast as a row vector or scalar when its shape differs.</summary>
    public static Tensor Add(Tensor a, Tensor b)
    {
        if (ShouldSwap(a, b)) return Add(b, a);
        var kind = Classify(a, b, "Add");
        var y = a.UninitializedLike();
        switch (kind)
        {
            case Broadcast.Same: Elementwise.Add(a.Span, b.Span, y.Span); break;
            case Broadcast.Row: Rows.AddRow(a.Span, b.Span, y.Span); break;
            default: Elementwise.Add(a.Span, b.Span[0], y.Span); break;
        }
        if (!ShouldRecord(a, b)) return y;
        return y.Record("Add", [a, b], g =>
        {
            a.AccumulateGrad(g.Span);
            b.AccumulateReduced(g, kind, sign: 1f);
        });
    }

    /// <summary>a − b, with <paramref name="b"/> broadcast as a row vector or scalar when its shape differs.</summary>
    public static Tensor Subtract(Tensor a, Tensor b)
    {
        var kind = Classify(a, b, "Subtract");
        var y = a.UninitializedLike();
        switch (kind)
        {
            case Broadcast.Same: Elementwise.Subtract(a.Span, b.Span, y.Span); break;
            case Broadcast.Row:
                var negated = new float[b.Length];
                Elementwise.Negate(b.Span, negated);
                Rows.AddRow(a.Span, negated, y.Span);
                break;
            default: Elementwise.Add(a.Span, -b.Span[0], y.Span); break;
        }
        if (!ShouldRecord(a, b)) return y;
        return y.Record("Subtract", [a, b], g =>
        {
            a.AccumulateGrad(g.Span);
            b.AccumulateReduced(g, kind, sign: -1f);
        });
    }

    /// <summary>a · b elementwise, with <paramref name="b"/> broadcast as a row vector or scalar when its shape differs.</summary>
    public static Tensor Multiply(Tensor a, Tensor b)
    {
        if (ShouldSwap(a, b)) return Multiply(b, a);
        var kind = Classify(a, b, "Multiply");
        var y = a.UninitializedLike();
        switch (kind)
        {
            case Broadcast.Same: Elementwise.Multiply(a.Span, b.Span, y.Span); break;
            case Broadcast.Row: Rows.MultiplyRow(a.Span, b.Span, y.Span); break;
            default: Elementwise.Multiply(a.Span, b.Span[0], y.Span); break;
        }
        if (!ShouldRecord(a, b)) return y;
        return y.Record("Multiply", [a, b], g =>
        {
            if (a.RequiresGrad)
            {
                var ga = g.UninitializedLike();
                switch (kind)
                {
                    case Broadcast.Same: Elementwise.Multiply(g.Span, b.Span, ga.Span); break;
                    case Broadcast.Row: Rows.MultiplyRow(g.Span, b.Span, ga.Span); break;
                    default: Elementwise.Multiply(g.Span, b.Span[0], ga.Span); break;
                }
                a.AccumulateGrad(ga.Span);
            }
            if (b.RequiresGrad)
            {
                var gb = g.UninitializedLike();
                Elementwise.Multiply(g.Span, a.Span, gb.Span);
                b.AccumulateReduced(gb, kind, sign: 1f);
            }
        });
    }

    /// <summary>x · s for a constant s.</summary>
    public static Tensor Multiply(Tensor x, float s)
    {
        var y = x.UninitializedLike();
        Elementwise.Multiply(x.Span, s, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("MultiplyScalar", [x], g =>
        {
            var gx = g.UninitializedLike();
            Elementwise.Multiply(g.Span, s, gx.Span);
            x.AccumulateGrad(gx.Span);
        });
    }

    /// <summary>x + s for a constant s.</summary>
    public static Tensor Add(Tensor x, float s)
    {
        var y = x.UninitializedLike();
        Elementwise.Add(x.Span, s, y.Span);
        if (!ShouldRecord(x)) return y;
        return y.Record("AddScalar", [x], g => x.AccumulateGrad(g.Span));
    }

    /// <summary>
    /// True when <paramref name="a"/>, not <paramref name="b"/>, is the broadcast operand of a commutative
    /// operation (a one-element tensor, or a row vector of <paramref name="b"/>'s last dimension).
    /// </summary>
    private static bool ShouldSwap(Tensor a, Tensor b) =>
        a.Shape != b.Shape && a.Length < b.Length && (a.Length == 1 || (b.Rank >= 1 && a.Length == b.Shape[-1] && IsRowShape(a.Shape)));

    /// <summary>Adds sign·g, summed down to this tensor's broadcast shape, to this tensor's gradient.</summary>
    private void AccumulateReduced(Tensor g, Broadcast kind, float sign)
    {
        if (!RequiresGrad) return;
        if (kind == Broadcast.Same && sign == 1f)
        {
            AccumulateGrad(g.Span);
            return;
        }
        float[] reduced = kind switch
        {
            Broadcast.Same => g.Span.ToArray(),
            Broadcast.Row => new float[Length],
            _ => [Elementwise.Sum(g.Span)],
        };
        if (kind == Broadcast.Row) Rows.SumRows(g.Span, reduced, accumulate: false);
        if (sign != 1f) Elementwise.Multiply(reduced, sign, reduced);
        AccumulateGrad(reduced);
    }

    /// <summary>Elementwise sum; see <see cref="Add(Tensor, Tensor)"/>.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => Add(a, b);

    /// <summary>Elementwise difference; see <see cref="Subtract(Tensor, Tensor)"/>.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => Subtract(a, b);

    /// <summary>Elementwise product; see <see cref="Multiply(Tensor, Tensor)"/>.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => Multiply(a, b);

    /// <summary>Product with a constant.</summary>
    public static Tensor operator *(Tensor a, float s) => Multiply(a, s);

    /// <summary>Product with a constant.</summary>
    public static Tensor operator *(float s, Tensor a) => Multiply(a, s);

    /// <summary>Sum with a constant.</summary>
    public static Tensor operator +(Tensor a, float s) => Add(a, s);

    /// <summary>Negation.</summary>
    public static Tensor operator -(Tensor a) => Multiply(a, -1f);
}
