using Descent.Data;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Problems;

/// <summary>
/// DeepOBS's quadratic_deep: the noisy quadratic ½(θ − x)ᵀ Q (θ − x) in 100 dimensions, averaged over a minibatch of
/// samples x ~ N(0, 0.6² I). Q = R diag(λ) Rᵀ has a deep-learning-like spectrum — 90 eigenvalues from U(0, 1) and 10
/// from U(30, 60) — turned by a random rotation R; θ starts at (1, …, 1). Q and the data come from fixed seeds
/// (the problem is the same for every run); there is no accuracy, only the loss.
/// </summary>
public sealed class QuadraticDeep : Problem, ILossOnlyProblem
{
    /// <summary>The dimension.</summary>
    public const int Dimension = 100;

    /// <summary>The standard deviation of the samples.</summary>
    public const double NoiseLevel = 0.6;

    private readonly Lazy<Tensor> _hessian;

    /// <summary>Creates the problem with <paramref name="trainSize"/> training and <paramref name="testSize"/> test samples (DeepOBS: 1000 each).</summary>
    public QuadraticDeep(int trainSize = 1000, int testSize = 1000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(trainSize);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(testSize);
        TrainSize = trainSize;
        TestSize = testSize;
        _hessian = new Lazy<Tensor>(() => Tensor.FromArray(Array.ConvertAll(BuildHessian(out _), v => (float)v), Dimension, Dimension));
    }

    /// <summary>Training samples.</summary>
    public int TrainSize { get; }

    /// <summary>Test samples.</summary>
    public int TestSize { get; }

    /// <inheritdoc/>
    public override string Name => "quadratic-deep";

    /// <inheritdoc/>
    public override string Description =>
        "DeepOBS quadratic_deep: ½(θ−x)ᵀQ(θ−x) in 100-D, Q's eigenvalues 90×U(0,1) and 10×U(30,60) randomly rotated, x ~ N(0, 0.6²), θ₀ = 1";

    /// <summary>The Hessian Q as a 100×100 tensor.</summary>
    public Tensor Hessian => _hessian.Value;

    /// <summary>Q row-major in double precision, and its eigenvalues (the spectrum before the rotation).</summary>
    public static double[] BuildHessian(out double[] eigenvalues)
    {
        var rng = new Rng(42);
        eigenvalues = new double[Dimension];
        for (int i = 0; i < Dimension; i++) eigenvalues[i] = i < 90 ? rng.NextDouble() : 30 + 30 * rng.NextDouble();
        var r = RandomRotation(rng);
        var q = new double[Dimension * Dimension];
        for (int i = 0; i < Dimension; i++)
            for (int j = 0; j < Dimension; j++)
            {
                double s = 0;
                for (int k = 0; k < Dimension; k++) s += r[i * Dimension + k] * eigenvalues[k] * r[j * Dimension + k];
                q[i * Dimension + j] = s;
            }
        return q;
    }

    /// <inheritdoc/>
    public override Module CreateModel(Rng rng) => new Offset(Dimension);

    /// <inheritdoc/>
    public override ProblemData LoadData(string? dataDirectory) => new(Samples(TrainSize, 43), Samples(TestSize, 44));

    /// <summary>½ (θ − x)ᵀ Q (θ − x) averaged over the batch; the model's output is x − θ.</summary>
    public override Tensor Loss(Tensor output, ReadOnlySpan<int> labels)
    {
        var quadratic = Tensor.MatMul(output, Hessian) * output;
        return quadratic.Sum() * (0.5f / output.Shape[0]);
    }

    private static Dataset Samples(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var x = new float[count * Dimension];
        for (int i = 0; i < x.Length; i++) x[i] = (float)NoiseLevel * rng.NextNormal();
        return new Dataset(x, new int[count], Dimension, classCount: 1);
    }

    /// <summary>A random orthogonal matrix (row-major): Gram–Schmidt on a Gaussian matrix, columns orthonormal.</summary>
    private static double[] RandomRotation(Rng rng)
    {
        int n = Dimension;
        var a = new double[n * n];
        for (int i = 0; i < a.Length; i++) a[i] = rng.NextNormal();
        for (int c = 0; c < n; c++)
        {
            for (int pass = 0; pass < 2; pass++)  // re-orthogonalize once for accuracy
                for (int p = 0; p < c; p++)
                {
                    double dot = 0;
                    for (int i = 0; i < n; i++) dot += a[i * n + c] * a[i * n + p];
                    for (int i = 0; i < n; i++) a[i * n + c] -= dot * a[i * n + p];
                }
            double norm = 0;
            for (int i = 0; i < n; i++) norm += a[i * n + c] * a[i * n + c];
            norm = Math.Sqrt(norm);
            for (int i = 0; i < n; i++) a[i * n + c] /= norm;
        }
        return a;
    }

    /// <summary>The model: a parameter θ (named "theta", starting at 1) whose output for a batch x is x − θ.</summary>
    private sealed class Offset : Module
    {
        private readonly Tensor _theta;

        public Offset(int dimension) => _theta = RegisterParameter("theta", Tensor.Full(1f, dimension));

        public override Tensor Forward(Tensor input) => input - _theta;
    }
}
