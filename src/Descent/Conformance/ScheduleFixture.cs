namespace Descent.Conformance;

/// <summary>
/// A file of torch.optim.lr_scheduler values (the format of <c>descent check schedules FILE.json</c>, described in
/// <c>docs/conformance-format.md</c>), as <see cref="ScheduleRecording"/> reads it. <see cref="ScheduleReplay"/>
/// replays a case and <see cref="ScheduleCheck"/> compares it.
/// </summary>
/// <param name="Torch">The torch version that recorded the file.</param>
/// <param name="Cases">The cases, in file order.</param>
public sealed record ScheduleFixture(string Torch, IReadOnlyList<ScheduleFixtureCase> Cases)
{
    /// <summary>Reads <paramref name="path"/> with <see cref="ScheduleRecording.Load"/>; a malformed file is a <see cref="RecordingFormatException"/> naming the JSON location.</summary>
    public static ScheduleFixture Load(string path) => ScheduleRecording.Load(path);

    /// <summary>Parses <paramref name="json"/> with <see cref="ScheduleRecording.Parse"/>; <paramref name="source"/> only names it in errors.</summary>
    public static ScheduleFixture Parse(string json, string source = "schedules.json") =>
        ScheduleRecording.Parse(System.Text.Encoding.UTF8.GetBytes(json), source);
}

/// <summary>A recorded scheduler: its torch class, options and the non-numeric arguments, by reference.</summary>
/// <param name="Name">The torch class name.</param>
/// <param name="Options">Torch keyword options: doubles, bools, text, double[].</param>
/// <param name="Lambdas">LambdaLR/MultiplicativeLR: lambda bodies (see <see cref="FixtureFunctions"/>), one or one per group.</param>
/// <param name="ScaleFn">CyclicLR: a scale_fn body (see <see cref="FixtureFunctions"/>).</param>
/// <param name="Children">SequentialLR/ChainedScheduler: the children, built in order first.</param>
public sealed record ScheduleFixtureScheduler(
    string Name,
    IReadOnlyDictionary<string, object> Options,
    IReadOnlyList<string>? Lambdas,
    string? ScaleFn,
    IReadOnlyList<ScheduleFixtureScheduler>? Children);

/// <summary>One recorded scheduler run.</summary>
/// <param name="Name">A readable name, unique in the file; when the file gives none, the scheduler as a torch call.</param>
/// <param name="Scheduler">The scheduler and its options.</param>
/// <param name="Optimizer">"SGD" (default) or "Adam".</param>
/// <param name="BaseLrs">The learning rate of each parameter group.</param>
/// <param name="BaseMomentums">SGD: the momentum of each group.</param>
/// <param name="Metrics">ReduceLROnPlateau: the metric passed after each step.</param>
/// <param name="StepEpochs">CosineAnnealingWarmRestarts: the fractional epoch passed after each step, if any.</param>
/// <param name="Expected">Recorded series ("lr", "momentum", "beta1", "lr_after_each_step"): per group, per step.</param>
public sealed record ScheduleFixtureCase(
    string Name,
    ScheduleFixtureScheduler Scheduler,
    string Optimizer,
    IReadOnlyList<double> BaseLrs,
    IReadOnlyList<double>? BaseMomentums,
    IReadOnlyList<double>? Metrics,
    IReadOnlyList<double>? StepEpochs,
    IReadOnlyDictionary<string, double[][]> Expected)
{
    /// <summary>The number of recorded steps.</summary>
    public int Steps => Expected.Values.First()[0].Length;

    /// <inheritdoc/>
    public override string ToString() => Name;

    /// <summary>A short description of a value, for messages.</summary>
    internal static string Format(double v) => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}
