using System.Globalization;
using System.Text.Json.Nodes;

namespace Descent.Lab.Tuning;

/// <summary>The kind of a search-space parameter.</summary>
public enum ParameterKind
{
    /// <summary>A real number drawn uniformly from [low, high].</summary>
    Uniform,

    /// <summary>A positive real number whose logarithm is uniform in [log low, log high].</summary>
    LogUniform,

    /// <summary>An integer in [low, high], both included.</summary>
    Int,

    /// <summary>One of a list of numbers or texts.</summary>
    Choice,
}

/// <summary>
/// One parameter of a search space: <c>{ uniform: [a, b] }</c>, <c>{ log_uniform: [a, b] }</c>, <c>{ int: [a, b] }</c>
/// or <c>{ choice: [x, y, ...] }</c>, with <c>points: N</c> for the grid sampler (default 10 points for a range; a choice
/// is gridded over its values). Samplers work in the unit interval: <see cref="FromUnit"/> maps u ∈ [0, 1) to a value,
/// on the log scale for a log range.
/// </summary>
public sealed record ParameterSpec
{
    /// <summary>Grid points of a range when the file gives none.</summary>
    public const int DefaultGridPoints = 10;

    /// <summary>The parameter's key: an optimizer option ("lr", "betas.0"), "batch_size" or "epochs".</summary>
    public required string Name { get; init; }

    /// <summary>Its kind.</summary>
    public required ParameterKind Kind { get; init; }

    /// <summary>The lower bound of a range.</summary>
    public double Low { get; init; }

    /// <summary>The upper bound of a range.</summary>
    public double High { get; init; }

    /// <summary>The values of a choice.</summary>
    public IReadOnlyList<ParameterValue> Choices { get; init; } = [];

    /// <summary>Points of a range on a grid.</summary>
    public int GridPoints { get; init; } = DefaultGridPoints;

    /// <summary>Whether the sampler works on log(value) (log ranges).</summary>
    public bool IsLog => Kind == ParameterKind.LogUniform;

    /// <summary>The value at u ∈ [0, 1): linear or log interpolation of a range, rounding of an int, the ⌊u·n⌋-th choice.</summary>
    public ParameterValue FromUnit(double u)
    {
        u = Math.Clamp(u, 0, 1);
        switch (Kind)
        {
            case ParameterKind.Uniform: return ParameterValue.Of(Low + u * (High - Low));
            case ParameterKind.LogUniform: return ParameterValue.Of(Math.Exp(Math.Log(Low) + u * (Math.Log(High) - Math.Log(Low))));
            case ParameterKind.Int: return ParameterValue.Of(Math.Min(High, Math.Floor(Low + u * (High - Low + 1))));
            default: return Choices[Math.Min(Choices.Count - 1, (int)(u * Choices.Count))];
        }
    }

    /// <summary>The grid of this parameter: evenly spaced (log-spaced for a log range), every int when fewer than the points, or the choices.</summary>
    public IReadOnlyList<ParameterValue> Grid()
    {
        switch (Kind)
        {
            case ParameterKind.Choice: return Choices;
            case ParameterKind.Int when High - Low + 1 <= GridPoints:
                return [.. Enumerable.Range(0, (int)(High - Low + 1)).Select(i => ParameterValue.Of(Low + i))];
            default:
                if (GridPoints == 1) return [FromUnit(0.5)];
                var points = new List<ParameterValue>();
                for (int i = 0; i < GridPoints; i++)
                {
                    double t = (double)i / (GridPoints - 1);
                    double v = Kind == ParameterKind.LogUniform ? Math.Exp(Math.Log(Low) + t * (Math.Log(High) - Math.Log(Low))) : Low + t * (High - Low);
                    if (Kind == ParameterKind.Int) v = Math.Round(v);
                    if (points.Count == 0 || points[^1].Number != v) points.Add(ParameterValue.Of(v));
                }
                return points;
        }
    }

    /// <summary>The value on the sampler's internal scale: log for a log range, the value for a range, the index of a choice.</summary>
    public double Internal(ParameterValue value) => Kind switch
    {
        ParameterKind.LogUniform => Math.Log(value.Number),
        ParameterKind.Choice => IndexOf(value),
        _ => value.Number,
    };

    /// <summary>The internal range [low, high] of a range parameter (log bounds for a log range; ±0.5 around the ints).</summary>
    public (double Low, double High) InternalRange => Kind switch
    {
        ParameterKind.LogUniform => (Math.Log(Low), Math.Log(High)),
        ParameterKind.Int => (Low - 0.5, High + 0.5),
        _ => (Low, High),
    };

    /// <summary>The value at internal coordinate <paramref name="x"/> (inverse of <see cref="Internal"/>).</summary>
    public ParameterValue FromInternal(double x) => Kind switch
    {
        ParameterKind.LogUniform => ParameterValue.Of(Math.Clamp(Math.Exp(x), Low, High)),
        ParameterKind.Int => ParameterValue.Of(Math.Clamp(Math.Round(x), Low, High)),
        ParameterKind.Choice => Choices[Math.Clamp((int)x, 0, Choices.Count - 1)],
        _ => ParameterValue.Of(Math.Clamp(x, Low, High)),
    };

    /// <summary>The index of <paramref name="value"/> among the choices (−1 when absent).</summary>
    public int IndexOf(ParameterValue value)
    {
        for (int i = 0; i < Choices.Count; i++)
            if (Choices[i].Equals(value) || (!value.IsText && !Choices[i].IsText && Choices[i].Number == value.Number)) return i;
        return -1;
    }

    /// <summary>Parses <c>{ KIND: [...] , points: N }</c>; errors name the key (<paramref name="where"/>).</summary>
    public static ParameterSpec Parse(string name, JsonNode? node, string where)
    {
        if (node is not JsonObject o || o.Count == 0)
            throw new ArgumentException($"\"{where}\" must be one of {{ uniform: [LOW, HIGH] }}, {{ log_uniform: [LOW, HIGH] }}, {{ int: [LOW, HIGH] }}, {{ choice: [A, B, ...] }}");
        int points = DefaultGridPoints;
        ParameterSpec? spec = null;
        foreach (var (key, value) in o)
        {
            switch (key)
            {
                case "points":
                    points = value is JsonValue pv && pv.TryGetValue(out int p) && p >= 1 ? p : throw new ArgumentException($"\"{where}.points\" must be an integer of at least 1");
                    break;
                case "uniform" or "log_uniform" or "int":
                    if (spec is not null) throw new ArgumentException($"\"{where}\" has two kinds ('{spec.Kind}' and '{key}')");
                    var (low, high) = Range(value, $"{where}.{key}");
                    var kind = key switch { "uniform" => ParameterKind.Uniform, "log_uniform" => ParameterKind.LogUniform, _ => ParameterKind.Int };
                    if (kind == ParameterKind.LogUniform && low <= 0)
                        throw new ArgumentException($"\"{where}.log_uniform\" needs positive bounds, got low {Show(low)}");
                    if (kind == ParameterKind.Int && (low != Math.Floor(low) || high != Math.Floor(high)))
                        throw new ArgumentException($"\"{where}.int\" needs integer bounds, got [{Show(low)}, {Show(high)}]");
                    spec = new ParameterSpec { Name = name, Kind = kind, Low = low, High = high };
                    break;
                case "choice":
                    if (spec is not null) throw new ArgumentException($"\"{where}\" has two kinds ('{spec.Kind}' and 'choice')");
                    if (value is not JsonArray a || a.Count == 0) throw new ArgumentException($"\"{where}.choice\" must be a non-empty list");
                    var choices = a.Select((x, i) => x is null ? throw new ArgumentException($"\"{where}.choice[{i}]\" must not be null") : ParameterValue.FromJson(x, $"{where}.choice[{i}]")).ToList();
                    if (choices.Distinct().Count() != choices.Count) throw new ArgumentException($"\"{where}.choice\" lists a value twice");
                    spec = new ParameterSpec { Name = name, Kind = ParameterKind.Choice, Choices = choices };
                    break;
                default:
                    throw new ArgumentException($"unknown key '{key}' in \"{where}\"; known: uniform, log_uniform, int, choice, points");
            }
        }
        if (spec is null) throw new ArgumentException($"\"{where}\" needs one of uniform, log_uniform, int, choice");
        return spec with { GridPoints = points };
    }

    private static (double, double) Range(JsonNode? node, string where)
    {
        if (node is not JsonArray { Count: 2 } a || a[0] is not JsonValue l || a[1] is not JsonValue h
            || !l.TryGetValue(out double low) || !h.TryGetValue(out double high) || !double.IsFinite(low) || !double.IsFinite(high))
            throw new ArgumentException($"\"{where}\" must be [LOW, HIGH] with two finite numbers");
        if (!(low < high)) throw new ArgumentException($"\"{where}\" needs LOW < HIGH, got [{Show(low)}, {Show(high)}]");
        return (low, high);
    }

    private static string Show(double v) => v.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The parameter as the study file writes it.</summary>
    public JsonObject ToJson()
    {
        var o = new JsonObject();
        switch (Kind)
        {
            case ParameterKind.Choice: o["choice"] = new JsonArray([.. Choices.Select(c => c.ToJsonNode())]); break;
            default: o[Kind switch { ParameterKind.Uniform => "uniform", ParameterKind.LogUniform => "log_uniform", _ => "int" }] = new JsonArray(Low, High); break;
        }
        if (GridPoints != DefaultGridPoints) o["points"] = GridPoints;
        return o;
    }
}
