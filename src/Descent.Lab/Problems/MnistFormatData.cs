using Descent.Data;

namespace Descent.Lab.Problems;

/// <summary>Loads an MNIST-format dataset (Fashion-MNIST or MNIST) z-scored with the training set's mean and standard deviation.</summary>
internal static class MnistFormatData
{
    /// <summary>
    /// The training and test sets from <paramref name="dataDirectory"/>, else from the default directories of
    /// Fashion-MNIST (<paramref name="fashion"/>) or MNIST.
    /// </summary>
    public static ProblemData Load(string? dataDirectory, bool fashion)
    {
        var layout = fashion ? DatasetLayout.FashionMnist : DatasetLayout.Mnist;
        string directory = new DatasetLocator(layout).Locate(dataDirectory);
        var (train, test) = MnistFormat.LoadTrainAndTest(directory, MnistFormat.StandardClassCount, [1, 28, 28]);
        var standardizer = Standardizer.Fit(train);
        standardizer.Apply(train);
        standardizer.Apply(test);
        return new ProblemData(train, test);
    }
}
