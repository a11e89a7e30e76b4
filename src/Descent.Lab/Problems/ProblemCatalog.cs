namespace Descent.Lab.Problems;

/// <summary>
/// The problems known by name: the built-in ones and those added with <see cref="Register"/>. Names are
/// case-insensitive and '_' reads as '-'.
/// </summary>
public static class ProblemCatalog
{
    private static readonly Dictionary<string, Func<Problem>> BuiltIns = new(StringComparer.OrdinalIgnoreCase)
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

    private static readonly Lock Gate = new();
    private static volatile IReadOnlyDictionary<string, Func<Problem>> _registered = new Dictionary<string, Func<Problem>>(StringComparer.OrdinalIgnoreCase);

    /// <summary>The names, built-in and registered, sorted.</summary>
    public static IReadOnlyList<string> Names => [.. BuiltIns.Keys.Concat(_registered.Keys).Order(StringComparer.Ordinal)];

    /// <summary>The names of the problems added with <see cref="Register"/>, sorted.</summary>
    public static IReadOnlyList<string> RegisteredNames => [.. _registered.Keys.Order(StringComparer.Ordinal)];

    /// <summary>
    /// Adds problem <paramref name="name"/>: <paramref name="factory"/> makes a fresh <see cref="Problem"/> whose
    /// <see cref="Problem.Name"/> is <paramref name="name"/> (checked when it is built). From then on the name works
    /// wherever a problem name does: <c>descent train --problem</c>, <c>descent compare --problem</c>, experiment
    /// files, checkpoints. Thread-safe. The name is written in lower case with letters, digits and '-' (such as
    /// "xor-mlp"); a built-in name or a name already registered is an <see cref="ArgumentException"/> saying so.
    /// </summary>
    public static void Register(string name, Func<Problem> factory)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(factory);
        if (name.Length == 0 || !char.IsAsciiLetterLower(name[0]) || !name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c) || c == '-'))
            throw new ArgumentException($"'{name}' is not a valid problem name: use lower-case letters, digits and '-', starting with a letter", nameof(name));
        if (BuiltIns.ContainsKey(name))
            throw new ArgumentException($"'{name}' is a built-in problem; register yours under another name", nameof(name));
        lock (Gate)
        {
            if (_registered.ContainsKey(name))
                throw new ArgumentException($"a problem named '{name}' is already registered", nameof(name));
            _registered = new Dictionary<string, Func<Problem>>(_registered, StringComparer.OrdinalIgnoreCase) { [name] = factory };
        }
    }

    /// <summary>True when <paramref name="name"/> names a built-in or registered problem.</summary>
    public static bool Contains(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Replace('_', '-');
        return BuiltIns.ContainsKey(key) || _registered.ContainsKey(key);
    }

    /// <summary>The problem called <paramref name="name"/>; an unknown name is an error that lists the known ones.</summary>
    public static Problem Get(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        string key = name.Replace('_', '-');
        if (BuiltIns.TryGetValue(key, out var create)) return create();
        if (!_registered.TryGetValue(key, out create))
            throw new InvalidOptionException("problem", name, $"unknown problem '{name}'{Suggestions.DidYouMean(name, Names)}; known problems: {string.Join(", ", Names)}");
        var problem = create() ?? throw new InvalidOperationException($"the factory registered for problem '{key}' returned null");
        return string.Equals(problem.Name, key, StringComparison.OrdinalIgnoreCase) ? problem
            : throw new InvalidOperationException($"the problem registered as '{key}' calls itself '{problem.Name}'; a problem's Name must be the name it is registered under (checkpoints and reports record it)");
    }
}
