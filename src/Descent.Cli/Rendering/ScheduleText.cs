using System.Globalization;
using System.Text;
using Descent.Lab.Schedules;

namespace Descent.Cli.Rendering;

/// <summary>What <c>descent schedule</c> prints or writes for a <see cref="ScheduleSeries"/>: an aligned table or CSV.</summary>
internal static class ScheduleText
{
    /// <summary>An aligned text table: step, epoch and the columns, values to 8 significant digits.</summary>
    public static string ToTable(this ScheduleSeries series)
    {
        var header = new List<string> { "step", "epoch" };
        header.AddRange(series.Columns);
        var cells = series.Rows.Select(r => new List<string> { Integer(r.Step), Integer(r.Epoch) }
            .Concat(r.Values.Select(v => v.ToString("G8", CultureInfo.InvariantCulture))).ToList()).ToList();
        var widths = header.Select((h, i) => Math.Max(h.Length, cells.Count == 0 ? 0 : cells.Max(c => c[i].Length))).ToArray();
        var sb = new StringBuilder();
        sb.AppendLine(string.Join("  ", header.Select((h, i) => h.PadLeft(widths[i]))));
        foreach (var row in cells) sb.AppendLine(string.Join("  ", row.Select((c, i) => c.PadLeft(widths[i]))));
        return sb.ToString();
    }

    /// <summary>CSV with a header (step,epoch,lr,...); values round-trip.</summary>
    public static string ToCsv(this ScheduleSeries series)
    {
        var sb = new StringBuilder();
        sb.AppendLine(string.Join(",", new[] { "step", "epoch" }.Concat(series.Columns)));
        foreach (var r in series.Rows)
            sb.AppendLine(string.Join(",", new[] { Integer(r.Step), Integer(r.Epoch) }
                .Concat(r.Values.Select(v => v.ToString("R", CultureInfo.InvariantCulture)))));
        return sb.ToString();
    }

    private static string Integer(long value) => value.ToString(CultureInfo.InvariantCulture);
}
