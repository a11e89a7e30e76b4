namespace Descent.Conformance;

/// <summary>
/// The loss of a closed-loop recording (SAM's): f(θ) = Σ_k Σ_i ½·a_ki·θ_ki² + b_ki·θ_ki over the tensors θ_k, whose
/// gradient the recording computes in float32 as fl32(fl32(a·θ) + b).
/// </summary>
/// <param name="A">Per tensor, the curvatures a (each tensor's number of elements).</param>
/// <param name="B">Per tensor, the linear terms b.</param>
public sealed record QuadraticLoss(IReadOnlyList<float[]> A, IReadOnlyList<float[]> B)
{
    /// <summary>Writes the gradient at <paramref name="theta"/> of tensor <paramref name="tensor"/> into <paramref name="grad"/>.</summary>
    public void Gradient(int tensor, ReadOnlySpan<float> theta, Span<float> grad)
    {
        float[] a = A[tensor], b = B[tensor];
        for (int i = 0; i < theta.Length; i++) grad[i] = a[i] * theta[i] + b[i];   // (a * p) + b, two roundings
    }

    /// <summary>The loss at <paramref name="theta"/>, one tensor after the other, summed in double.</summary>
    public double Value(IReadOnlyList<float[]> theta)
    {
        double sum = 0;
        for (int k = 0; k < theta.Count; k++)
            for (int i = 0; i < theta[k].Length; i++)
                sum += 0.5 * A[k][i] * theta[k][i] * theta[k][i] + B[k][i] * theta[k][i];
        return sum;
    }
}
