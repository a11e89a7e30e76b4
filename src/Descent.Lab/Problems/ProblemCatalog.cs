namespace Descent.Lab.Problems;

/// <summary>The problems known by name.</summary>
public static class ProblemCatalog
{
    private static readonly Dictionary<string, Func<Problem>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["fmnist-mlp"] = () => new MnistFormatMlp("fmnist-mlp", "Fashion-MNIST", 512, 256),
        ["fmnist-logreg"] = () => new MnistFormatLogReg(fashion: true),
        ["mnist-logreg"] = () => new MnistFormatLogReg(fashion: false),
        ["mnist-mlp"] = () => new DeepObsMnistMlp(),
        ["quadratic-deep"] = () => new QuadraticDeep(),
        ["mnist-2c2d"] = () => new MnistFormat2c2d(fashion: false),
        ["fmnist-2c2d"] = () => new MnistFormat2c2d(fashion: true),
        ["cifar10-3c3d"] = () => new Cifar10With3c3d(),
    };

    /// <summary>The names, sorted.</summary>
    public static IReadOnlyList<string> Names => Factories.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>The problem called <paramref name="name"/>; an unknown name is an error that lists the known ones.</summary>
    public static Problem Get(string name) =>
        Factories.TryGetValue(name.Replace('_', '-'), out var create)
            ? create()
            : throw new InvalidOptionException("problem", name, $"unknown problem '{name}'{Suggestions.DidYouMean(name, Names)}; known problems: {string.Join(", ", Names)}");
}
