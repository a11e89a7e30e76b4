namespace Descent.Nn;

/// <summary>
/// Batch normalization of NCHW inputs per channel C, statistics over N, H and W, as PyTorch's nn.BatchNorm2d
/// (eps 1e-5, momentum 0.1, affine, running statistics); see <see cref="BatchNorm"/>.
/// </summary>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer for <paramref name="numFeatures"/> channels.</summary>
    public BatchNorm2d(int numFeatures, float eps = 1e-5f, float momentum = 0.1f, bool affine = true, bool trackRunningStats = true)
        : base(numFeatures, eps, momentum, affine, trackRunningStats)
    {
    }

    private protected override string ExpectedInput => $"[batch, {NumFeatures}, height, width]";

    private protected override bool AcceptsRank(int rank) => rank == 4;
}
