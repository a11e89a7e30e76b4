namespace Descent.Conformance;

/// <summary>
/// A recording (<see cref="OptimizerRecording"/> or <see cref="ScheduleRecording"/>) that cannot be read: the message
/// names the file and the JSON location, as in <c>bad.json: $.cases[3].grads[2][1] must be an array, got number 1</c>.
/// </summary>
public sealed class RecordingFormatException : Exception
{
    /// <summary>Creates the error for <paramref name="path"/> at <paramref name="jsonPath"/>.</summary>
    /// <param name="path">The file that was read.</param>
    /// <param name="jsonPath">Where in the JSON the problem is, <c>$</c> for the whole document.</param>
    /// <param name="problem">What is wrong there, phrased to follow the location.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public RecordingFormatException(string path, string jsonPath, string problem, Exception? inner = null)
        : base($"{path}: {jsonPath} {problem}", inner)
    {
        FilePath = path;
        JsonPath = jsonPath;
    }

    /// <summary>The file that was read.</summary>
    public string FilePath { get; }

    /// <summary>Where in the JSON the problem is, such as <c>$.cases[3].grads[2][1]</c>.</summary>
    public string JsonPath { get; }
}
