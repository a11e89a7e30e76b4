using Descent.Lab.Schedules;
using Descent.Lab.Training;

namespace Descent.Lab.Compare;

/// <summary>
/// One optimizer of a comparison: the label it is reported under (such as "momentum"), what it is, and the
/// schedules that drive its hyper-parameters during the run (none: fixed hyper-parameters).
/// </summary>
public sealed record OptimizerEntry(string Label, OptimizerSpec Spec)
{
    /// <summary>Creates an entry whose hyper-parameters follow <paramref name="schedules"/>.</summary>
    public OptimizerEntry(string label, OptimizerSpec spec, IReadOnlyList<ScheduleSpec> schedules) : this(label, spec) => Schedules = schedules;

    /// <summary>
    /// Checks that <paramref name="label"/> is one line of text: not empty, no control characters (a newline would
    /// break the console and the metrics files). Labels that look like spreadsheet formulas are allowed; metrics.csv
    /// escapes them (<see cref="MetricRow.ToCsv"/>).
    /// </summary>
    /// <exception cref="ArgumentException">The label is empty or holds a control character, named by its code.</exception>
    public static string CheckLabel(string label)
    {
        ArgumentNullException.ThrowIfNull(label);
        if (label.Trim().Length == 0) throw new ArgumentException("an optimizer label must not be empty", nameof(label));
        int bad = label.AsSpan().IndexOfAnyInRange('\u0000', '\u001f');
        if (bad < 0 && label.Contains('\u007f')) bad = label.IndexOf('\u007f');
        if (bad >= 0)
            throw new ArgumentException(
                $"the optimizer label \"{label.ReplaceLineEndings("⏎")}\" holds a control character (U+{(int)label[bad]:X4} at position {bad}); a label is one line of text",
                nameof(label));
        return label;
    }

    /// <summary>Schedules of the learning rate, momentum or other hyper-parameters, in the <c>--schedule</c> syntax.</summary>
    public IReadOnlyList<ScheduleSpec> Schedules { get; init; } = [];

    /// <summary>"label = spec | schedule ...", such as "ramp = sgd(lr=0.05, momentum=0.5) | momentum=ramp:start=0.5,end=0.9@epoch".</summary>
    public override string ToString() => $"{Label} = {Describe()}";

    /// <summary>The optimizer and its schedules, without the label.</summary>
    public string Describe() => string.Join(" | ", [Spec.ToString(), .. Schedules.Select(s => s.ToString())]);

    /// <summary>Value equality, schedules included (compared by their canonical text).</summary>
    public bool Equals(OptimizerEntry? other) =>
        other is not null && Label == other.Label && Spec.ToString() == other.Spec.ToString()
        && Schedules.Select(s => s.ToString()).SequenceEqual(other.Schedules.Select(s => s.ToString()));

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(Label, Spec.ToString());
}
