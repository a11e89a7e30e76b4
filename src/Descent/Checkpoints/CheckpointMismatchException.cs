namespace Descent.Checkpoints;

/// <summary>
/// A valid checkpoint does not fit what it is applied to: it was written for a different model (parameter names or
/// shapes differ), a different optimizer, or a run with a different configuration. Nothing was changed.
/// </summary>
/// <remarks>The message names the file and the mismatching entries; <see cref="Differences"/> lists all of them.</remarks>
public sealed class CheckpointMismatchException : CheckpointFormatException
{
    /// <summary>Creates the exception for <paramref name="filePath"/>: <paramref name="what"/> and the differences.</summary>
    /// <param name="filePath">The checkpoint.</param>
    /// <param name="what">What does not fit, such as "was written for a different model".</param>
    /// <param name="differences">One entry per mismatch, such as "missing '0.weight'".</param>
    public CheckpointMismatchException(string filePath, string what, IReadOnlyList<string> differences)
        : base(filePath, Describe(what, differences))
    {
        Differences = differences;
    }

    /// <summary>Every mismatch found, one per entry.</summary>
    public IReadOnlyList<string> Differences { get; }

    private const int Shown = 8;

    private static string Describe(string what, IReadOnlyList<string> differences)
    {
        ArgumentNullException.ThrowIfNull(differences);
        string list = string.Join("; ", differences.Take(Shown));
        if (differences.Count > Shown) list += $"; and {differences.Count - Shown} more";
        return differences.Count == 0 ? what : $"{what}: {list}";
    }
}
