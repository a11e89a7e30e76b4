using Descent.Nn;
using Descent.Tensors;

namespace Descent.Tests.Optim;

/// <summary>Helpers the optimizer tests share: parameters, gradients, random data and assertions.</summary>
internal static class OptimTestKit
{
    public static NamedParameter Param(string name, params float[] values)
    {
        var t = Tensor.FromArray(values, values.Length);
        t.RequiresGrad = true;
        return new NamedParameter(name, t);
    }

    public static void Grad(NamedParameter p, params float[] values) => p.Value.Grad = Tensor.FromArray(values, values.Length);

    public static float[] Random(Rng rng, int n, float low, float high) =>
        Enumerable.Range(0, n).Select(_ => rng.Uniform(low, high)).ToArray();

    public static void AssertBitEqual(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(BitConverter.SingleToInt32Bits(expected[i]) == BitConverter.SingleToInt32Bits(actual[i]),
                $"element {i} of {expected.Length}: {expected[i]:R} vs {actual[i]:R}");
    }

    public static void AssertRejects(string argument, object value, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(argument, e.ParamName);
        if (e is ArgumentOutOfRangeException range) Assert.Equal(value, range.ActualValue);
    }

    public static ArgumentException AssertRejects(string argument, Action action)
    {
        var e = Assert.ThrowsAny<ArgumentException>(action);
        Assert.Equal(argument, e.ParamName);
        return e;
    }
}
