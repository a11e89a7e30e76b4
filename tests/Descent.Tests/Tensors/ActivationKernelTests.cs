using Descent.Tensors.Kernels;

namespace Descent.Tests.Tensors;

/// <summary>The vector paths of the activation derivatives equal their scalar references for every length 0..300.</summary>
public class ActivationKernelTests
{
    private delegate void Kernel(ReadOnlySpan<float> y, ReadOnlySpan<float> g, Span<float> dx, bool accumulate);

    public static TheoryData<string> Kernels => new() { "relu", "sigmoid", "tanh" };

    [Theory]
    [MemberData(nameof(Kernels))]
    public void VectorPathEqualsScalarReference(string name)
    {
        (Kernel fast, Kernel reference) = name switch
        {
            "relu" => ((Kernel)Activations.ReluBackward, (Kernel)ActivationsReference.ReluBackward),
            "sigmoid" => (Activations.SigmoidBackward, ActivationsReference.SigmoidBackward),
            _ => (Activations.TanhBackward, ActivationsReference.TanhBackward),
        };
        var rng = new Rng(5);
        for (int n = 0; n <= 300; n++)
        {
            var y = new float[n];
            var g = new float[n];
            var start = new float[n];
            for (int i = 0; i < n; i++) { y[i] = rng.Uniform(-1, 1); g[i] = rng.Uniform(-1, 1); start[i] = rng.Uniform(-1, 1); }
            foreach (bool accumulate in new[] { false, true })
            {
                var a = (float[])start.Clone();
                var b = (float[])start.Clone();
                fast(y, g, a, accumulate);
                reference(y, g, b, accumulate);
                Assert.Equal(b, a);
            }
        }
    }
}
