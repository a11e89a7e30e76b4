namespace Descent.Tensors;

public sealed partial class Tensor
{
    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => new(new float[new Shape(shape).Size], 0, new Shape(shape));

    /// <summary>A tensor with every element equal to <paramref name="value"/>.</summary>
    public static Tensor Full(float value, params int[] shape)
    {
        var t = Uninitialized(new Shape(shape));
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A one-element tensor of rank 0.</summary>
    public static Tensor Scalar(float value)
    {
        var t = new Tensor(new float[1], 0, new Shape());
        t._storage[0] = value;
        return t;
    }

    /// <summary>A tensor over a copy of <paramref name="values"/> with the given shape.</summary>
    public static Tensor FromArray(ReadOnlySpan<float> values, params int[] shape)
    {
        var s = new Shape(shape);
        if (values.Length != s.Size)
            throw new ArgumentException($"{values.Length} values cannot fill shape {s} ({s.Size} elements)", nameof(values));
        var t = Uninitialized(s);
        values.CopyTo(t.Span);
        return t;
    }

    /// <summary>A tensor that uses <paramref name="storage"/> directly, without copying; writes go through.</summary>
    public static Tensor Wrap(float[] storage, int offset, params int[] shape) => new(storage, offset, new Shape(shape));

    /// <summary>A tensor of independent U(<paramref name="low"/>, <paramref name="high"/>) samples.</summary>
    public static Tensor Uniform(Rng rng, float low, float high, params int[] shape)
    {
        var t = Uninitialized(new Shape(shape));
        var span = t.Span;
        for (int i = 0; i < span.Length; i++) span[i] = rng.Uniform(low, high);
        return t;
    }

    /// <summary>A tensor of independent N(<paramref name="mean"/>, <paramref name="std"/>²) samples.</summary>
    public static Tensor Normal(Rng rng, float mean, float std, params int[] shape)
    {
        var t = Uninitialized(new Shape(shape));
        var span = t.Span;
        for (int i = 0; i < span.Length; i++) span[i] = mean + std * rng.NextNormal();
        return t;
    }

    /// <summary>
    /// A tensor with every element equal to <paramref name="value"/> whose storage never comes from a
    /// <see cref="TensorArena"/>, even while one is active: for state that outlives the step that creates it, such
    /// as an optimizer's buffers (an arena hands a step's buffers out again to the next step's temporaries).
    /// </summary>
    internal static Tensor FullOwned(float value, Shape shape)
    {
        var t = new Tensor(TensorArena.AllocateOwned(shape.Size), 0, shape);
        t.Span.Fill(value);
        return t;
    }

    /// <summary>A copy of this tensor whose storage never comes from a <see cref="TensorArena"/> (see <see cref="FullOwned"/>).</summary>
    internal Tensor CloneOwned()
    {
        var t = new Tensor(TensorArena.AllocateOwned(Length), 0, Shape);
        Span.CopyTo(t.Span);
        return t;
    }

    /// <summary>A new tensor whose contents are unspecified; every element must be written before it is read.</summary>
    internal static Tensor Uninitialized(Shape shape) => new(TensorArena.Allocate(shape.Size), 0, shape);

    /// <summary>A new tensor of the same shape as this one, contents unspecified.</summary>
    internal Tensor UninitializedLike() => Uninitialized(Shape);

    /// <summary>A copy with its own storage, not tracked by autograd.</summary>
    public Tensor Clone()
    {
        var t = Uninitialized(Shape);
        Span.CopyTo(t.Span);
        return t;
    }
}
