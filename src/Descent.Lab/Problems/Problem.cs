using Descent.Data;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Problems;

/// <summary>The training and test sets of a problem, already preprocessed.</summary>
public sealed record ProblemData(Dataset Train, Dataset Test);

/// <summary>
/// A named learning problem: a model architecture, the data it learns from, and the loss it minimizes.
/// </summary>
public abstract class Problem
{
    /// <summary>The name used on the command line, such as "fmnist-mlp".</summary>
    public abstract string Name { get; }

    /// <summary>One line describing the model and data.</summary>
    public abstract string Description { get; }

    /// <summary>Builds a freshly initialized model; every random draw comes from <paramref name="rng"/>.</summary>
    public abstract Module CreateModel(Rng rng);

    /// <summary>Loads and preprocesses the data from <paramref name="dataDirectory"/> (or the default locations).</summary>
    public abstract ProblemData LoadData(string? dataDirectory);

    /// <summary>The loss of a batch; the default is softmax cross-entropy over the labels.</summary>
    public virtual Tensor Loss(Tensor output, ReadOnlySpan<int> labels) => Losses.CrossEntropy(output, labels);
}
