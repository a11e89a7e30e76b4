using Descent.Data;
using Descent.Nn;

namespace Descent.Lab.Problems;

/// <summary>
/// A ReLU multilayer perceptron on an MNIST-format dataset (Fashion-MNIST by default), inputs z-scored with one
/// mean and standard deviation fitted on the training set and applied to both sets, as the PyTorch reference does.
/// </summary>
public sealed class MnistFormatMlp : Problem
{
    private readonly int[] _hidden;

    /// <summary>Creates the problem with the given hidden layer widths.</summary>
    public MnistFormatMlp(string name, string datasetDescription, params int[] hidden)
    {
        if (hidden.Any(h => h <= 0)) throw new ArgumentOutOfRangeException(nameof(hidden), "hidden widths must be positive");
        Name = name;
        _hidden = hidden;
        Description = $"MLP 784-{string.Join("-", hidden)}-10 with ReLU on {datasetDescription}, z-scored inputs";
    }

    /// <inheritdoc/>
    public override string Name { get; }

    /// <inheritdoc/>
    public override string Description { get; }

    /// <inheritdoc/>
    public override Module CreateModel(Rng rng) => new Mlp(784, _hidden, 10, rng);

    /// <inheritdoc/>
    public override ProblemData LoadData(string? dataDirectory) => MnistFormatData.Load(dataDirectory, true);
}
