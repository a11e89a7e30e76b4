using Descent.Tensors;

namespace Descent.Nn;

/// <summary>
/// What <see cref="BatchNorm1d"/> and <see cref="BatchNorm2d"/> share: batch normalization (Ioffe and Szegedy,
/// 2015) over dimension 1, with PyTorch's defaults and semantics.
/// </summary>
/// <remarks>
/// <para>In training mode the batch is normalized with its own mean and biased variance, and the running
/// statistics are updated in place: r ← (1 − momentum)·r + momentum·s, the running variance from the unbiased
/// batch variance. In evaluation mode (<see cref="Module.Eval"/>) the running statistics are used instead.</para>
/// <para>The running statistics are buffers ("running_mean", "running_var"), not parameters: they appear in
/// <see cref="Module.NamedBuffers"/>, have no gradient, and optimizers never see them. With
/// <c>affine</c> the layer learns a scale "weight" (γ, initialized to 1) and a shift "bias" (β, initialized to 0).</para>
/// </remarks>
public abstract class BatchNorm : Module
{
    private protected BatchNorm(int numFeatures, float eps, float momentum, bool affine, bool trackRunningStats)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(numFeatures);
        if (!(eps > 0f)) throw new ArgumentOutOfRangeException(nameof(eps), eps, "eps must be positive");
        if (!(momentum >= 0f && momentum <= 1f)) throw new ArgumentOutOfRangeException(nameof(momentum), momentum, "momentum must be in [0, 1]");
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        if (affine)
        {
            Weight = RegisterParameter("weight", Tensor.Full(1f, numFeatures));
            Bias = RegisterParameter("bias", Tensor.Zeros(numFeatures));
        }
        if (trackRunningStats)
        {
            RunningMean = RegisterBuffer("running_mean", Tensor.Zeros(numFeatures));
            RunningVar = RegisterBuffer("running_var", Tensor.Full(1f, numFeatures));
        }
    }

    /// <summary>The number of channels C.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance before the square root.</summary>
    public float Eps { get; }

    /// <summary>The weight of each new batch in the running statistics.</summary>
    public float Momentum { get; }

    /// <summary>γ [C], or null without affine.</summary>
    public Tensor? Weight { get; }

    /// <summary>β [C], or null without affine.</summary>
    public Tensor? Bias { get; }

    /// <summary>The running mean [C] (a buffer), or null when running statistics are not tracked.</summary>
    public Tensor? RunningMean { get; }

    /// <summary>The running variance [C] (a buffer), or null when running statistics are not tracked.</summary>
    public Tensor? RunningVar { get; }

    /// <summary>How many training batches have updated the running statistics.</summary>
    public long NumBatchesTracked { get; private set; }

    /// <summary>Resets the running statistics to mean 0, variance 1.</summary>
    public void ResetRunningStats()
    {
        RunningMean?.Span.Clear();
        RunningVar?.Span.Fill(1f);
        NumBatchesTracked = 0;
    }

    /// <summary>The ranks of input this layer accepts, for the error message.</summary>
    private protected abstract string ExpectedInput { get; }

    /// <summary>Whether <paramref name="rank"/> is a rank this layer accepts.</summary>
    private protected abstract bool AcceptsRank(int rank);

    /// <inheritdoc/>
    public override Tensor Forward(Tensor input)
    {
        if (!AcceptsRank(input.Rank) || input.Shape[1] != NumFeatures)
            throw new ArgumentException($"{GetType().Name}({NumFeatures}) expects input {ExpectedInput}, got {input.Shape}", nameof(input));
        bool useBatchStats = IsTraining || RunningMean is null;
        var output = Tensor.BatchNorm(input, RunningMean, RunningVar, Weight, Bias, training: useBatchStats, Momentum, Eps);
        if (IsTraining && RunningMean is not null) NumBatchesTracked++;
        return output;
    }
}
