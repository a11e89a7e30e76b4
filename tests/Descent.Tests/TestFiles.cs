namespace Descent.Tests;

/// <summary>
/// Files the tests read (the PyTorch fixtures, the docs whose examples they compile), copied beside the test
/// assembly by the build (the items of Descent.Tests.csproj that set CopyToOutputDirectory): found where the build put them, not by
/// walking up to the repository.
/// </summary>
internal static class TestFiles
{
    /// <summary>The full path of <paramref name="relativePath"/> in the test output directory (for example "Conformance/Fixtures/optimizers.json").</summary>
    /// <exception cref="FileNotFoundException">The build did not copy the file: it is missing from the repository or from those items.</exception>
    public static string Find(string relativePath)
    {
        string path = Path.Combine(AppContext.BaseDirectory, relativePath);
        return File.Exists(path) ? path
            : throw new FileNotFoundException($"{relativePath} is not in the test output {AppContext.BaseDirectory}; it is copied there by the items of Descent.Tests.csproj that set CopyToOutputDirectory", path);
    }
}
