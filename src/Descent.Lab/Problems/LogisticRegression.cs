using Descent.Nn;

namespace Descent.Lab.Problems;

/// <summary>
/// DeepOBS's mnist_logreg and fmnist_logreg: multinomial logistic regression (one linear layer 784 → 10, softmax
/// cross-entropy) with weights and biases starting at zero, on an MNIST-format dataset. Inputs are z-scored with
/// the training set's mean and standard deviation, as in the other problems (DeepOBS feeds [0, 1] pixels).
/// </summary>
public sealed class MnistFormatLogReg : Problem
{
    private readonly bool _fashion;

    /// <summary>Creates the problem on Fashion-MNIST (<paramref name="fashion"/>) or MNIST.</summary>
    public MnistFormatLogReg(bool fashion)
    {
        _fashion = fashion;
        Name = fashion ? "fmnist-logreg" : "mnist-logreg";
        Description = $"DeepOBS logistic regression 784-10, zero initialization, on {(fashion ? "Fashion-MNIST" : "MNIST")}, z-scored inputs";
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    public override Module CreateModel(Rng rng)
    {
        var model = new Mlp(784, [], 10, rng);
        foreach (var p in model.NamedParameters()) Init.Constant(p.Value, 0f);
        return model;
    }

    /// <inheritdoc/>
    public override ProblemData LoadData(string? dataDirectory) => MnistFormatData.Load(dataDirectory, _fashion);
}

/// <summary>
/// DeepOBS's mnist_mlp: a ReLU network 784-1000-500-100-10 with weights drawn from a normal distribution of
/// standard deviation 0.03 truncated at two standard deviations and zero biases, softmax cross-entropy, on an
/// MNIST-format dataset (MNIST by default; z-scored inputs).
/// </summary>
public sealed class DeepObsMnistMlp : Problem
{
    /// <summary>The standard deviation of the initial weights.</summary>
    public const float InitStd = 0.03f;

    private readonly bool _fashion;

    /// <summary>Creates the problem on MNIST, or on Fashion-MNIST when <paramref name="fashion"/>.</summary>
    public DeepObsMnistMlp(bool fashion = false)
    {
        _fashion = fashion;
        Name = fashion ? "fmnist-mlp-deepobs" : "mnist-mlp";
        Description = $"DeepOBS MLP 784-1000-500-100-10 with ReLU, truncated-normal(0.03) weights, on {(fashion ? "Fashion-MNIST" : "MNIST")}, z-scored inputs";
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    public override Module CreateModel(Rng rng)
    {
        var model = new Mlp(784, [1000, 500, 100], 10, rng);
        foreach (var p in model.NamedParameters())
        {
            var span = p.Value.Span;
            if (p.Name.EndsWith("bias", StringComparison.Ordinal)) { span.Clear(); continue; }
            for (int i = 0; i < span.Length; i++)
            {
                float z;
                do z = rng.NextNormal(); while (Math.Abs(z) > 2f);
                span[i] = InitStd * z;
            }
        }
        return model;
    }

    /// <inheritdoc/>
    public override ProblemData LoadData(string? dataDirectory) => MnistFormatData.Load(dataDirectory, _fashion);
}
