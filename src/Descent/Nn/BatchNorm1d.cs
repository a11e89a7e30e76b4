namespace Descent.Nn;

/// <summary>
/// Batch normalization of [N, C] or [N, C, L] inputs per channel C, as PyTorch's nn.BatchNorm1d (eps 1e-5,
/// momentum 0.1, affine, running statistics); see <see cref="BatchNorm"/>.
/// </summary>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    public BatchNorm1d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats)
    {
    }

    private protected override string ExpectedInput => $"[batch, {NumFeatures}] or [batch, {NumFeatures}, length]";

    private protected override bool AcceptsRank(int rank) => rank is 2 or 3;
}
