using Descent.Lab.Training;

namespace Descent.Lab.Compare;

/// <summary>Named sets of optimizers, usable wherever an optimizer list is.</summary>
public static class Presets
{
    /// <summary>
    /// The seven optimizers of the lecture notes with learning rates that work on fmnist-mlp (batch 128), those of
    /// the PyTorch reference script: sgd 0.1, momentum 0.05 (μ 0.9), nesterov 0.05 (μ 0.9), adagrad 0.01,
    /// adadelta 1.0, rmsprop 1e-3, adam 1e-3.
    /// </summary>
    public static IReadOnlyList<OptimizerEntry> Lectures { get; } =
    [
        new("sgd", Spec("sgd", ("lr", 0.1))),
        new("momentum", Spec("sgd", ("lr", 0.05), ("momentum", 0.9))),
        new("nesterov", Spec("sgd", ("lr", 0.05), ("momentum", 0.9), ("nesterov", true))),
        new("adagrad", Spec("adagrad", ("lr", 0.01))),
        new("adadelta", Spec("adadelta", ("lr", 1.0))),
        new("rmsprop", Spec("rmsprop", ("lr", 1e-3))),
        new("adam", Spec("adam", ("lr", 1e-3))),
    ];

    /// <summary>The preset names.</summary>
    public static IReadOnlyList<string> Names { get; } = ["lectures"];

    /// <summary>The preset called <paramref name="name"/>, if there is one.</summary>
    public static bool TryGet(string name, out IReadOnlyList<OptimizerEntry> entries)
    {
        entries = name.Trim().Equals("lectures", StringComparison.OrdinalIgnoreCase) ? Lectures : [];
        return entries.Count > 0;
    }

    /// <summary>The preset called <paramref name="name"/>; an unknown name is an error listing the presets.</summary>
    public static IReadOnlyList<OptimizerEntry> Get(string name) =>
        TryGet(name, out var entries) ? entries : throw new ArgumentException($"unknown preset '{name}'; presets: {string.Join(", ", Names)}");

    internal static OptimizerSpec Spec(string name, params (string Key, object Value)[] options) =>
        new(name, options.ToDictionary(o => o.Key, o => o.Value));
}
