namespace Descent.Lab.Surfaces;

/// <summary>The 2-D test functions known by name.</summary>
public static class SurfaceCatalog
{
    private static readonly Dictionary<string, Func<Surface>> Factories = new(StringComparer.OrdinalIgnoreCase)
    {
        ["rosenbrock"] = () => new Rosenbrock(),
        ["beale"] = () => new Beale(),
        ["booth"] = () => new Booth(),
        ["rastrigin"] = () => new Rastrigin(),
        ["saddle"] = () => new Saddle(),
        ["quadratic"] = () => new IllConditionedQuadratic(),
    };

    /// <summary>The names, in the order of the lecture's pictures.</summary>
    public static IReadOnlyList<string> Names => [.. Factories.Keys];

    /// <summary>
    /// The surface called <paramref name="name"/> ("ill-conditioned" and "ill_conditioned" also name the quadratic;
    /// underscores stand for hyphens); an unknown name is an error listing the known ones.
    /// </summary>
    public static Surface Get(string name)
    {
        string key = name.Trim().Replace('_', '-');
        if (key.Equals("ill-conditioned", StringComparison.OrdinalIgnoreCase)) key = "quadratic";
        return Factories.TryGetValue(key, out var create)
            ? create()
            : throw new ArgumentException($"unknown function '{name}'; known functions: {string.Join(", ", Names)}");
    }
}
