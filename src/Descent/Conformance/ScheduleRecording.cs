namespace Descent.Conformance;

/// <summary>
/// Reads a file of torch.optim.lr_scheduler values, the format of <c>descent check schedules FILE.json</c> and of the
/// project's own fixture (written by <c>tools/fixtures/record_schedules.py</c>, described in
/// <c>docs/conformance-format.md</c>), into the <see cref="ScheduleFixture"/> that <see cref="ScheduleCheck"/> and
/// <see cref="ScheduleReplay"/> replay. It checks the type and size of every value as it builds, so that a malformed
/// file is a <see cref="RecordingFormatException"/> naming the path and the JSON location.
/// </summary>
public static class ScheduleRecording
{
    /// <summary>The series a case may record, each per group and per step.</summary>
    public static IReadOnlyList<string> Series { get; } = ["lr", "momentum", "beta1", "lr_after_each_step"];

    /// <summary>
    /// Reads and validates <paramref name="path"/>: a malformed file is a <see cref="RecordingFormatException"/>
    /// naming the path and the JSON location; a missing one a <see cref="FileNotFoundException"/>.
    /// </summary>
    public static ScheduleFixture Load(string path) => Parse(JsonRecordingReader.ReadFile(path), path);

    /// <summary>Parses a recording; <paramref name="path"/> only names the source in error messages.</summary>
    public static ScheduleFixture Parse(ReadOnlyMemory<byte> utf8Json, string path)
    {
        using var doc = JsonRecordingReader.ParseDocument(utf8Json, path, maxDepth: 64);
        return new ScheduleRecordingReader(path).Recording(doc.RootElement);
    }
}
