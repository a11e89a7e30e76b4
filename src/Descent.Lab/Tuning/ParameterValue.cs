using System.Globalization;
using System.Text.Json.Nodes;

namespace Descent.Lab.Tuning;

/// <summary>A sampled parameter: a number, or a text (a choice among names, such as the optimizer).</summary>
public readonly record struct ParameterValue
{
    private ParameterValue(double number, string? text) => (Number, Text) = (number, text);

    /// <summary>The number (NaN for a text).</summary>
    public double Number { get; }

    /// <summary>The text, or null for a number.</summary>
    public string? Text { get; }

    /// <summary>Whether this is a text.</summary>
    public bool IsText => Text is not null;

    /// <summary>A number.</summary>
    public static ParameterValue Of(double number) => new(number, null);

    /// <summary>A text.</summary>
    public static ParameterValue Of(string text) => new(double.NaN, text ?? throw new ArgumentNullException(nameof(text)));

    /// <summary>The value as an optimizer option: the number, or the text.</summary>
    public object ToOption() => Text ?? (object)Number;

    /// <summary>Invariant-culture text: "0.001", "adam".</summary>
    public override string ToString() => Text ?? Number.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>The value as JSON.</summary>
    public JsonNode ToJsonNode() => Text is { } t ? JsonValue.Create(t) : JsonValue.Create(Number);

    /// <summary>Reads a JSON number or text.</summary>
    public static ParameterValue FromJson(JsonNode? node, string key) => node switch
    {
        JsonValue v when v.TryGetValue(out double d) => Of(d),
        JsonValue v when v.TryGetValue(out string? s) => Of(s),
        JsonValue v when v.TryGetValue(out bool b) => Of(b ? "true" : "false"),
        _ => throw new FormatException($"parameter '{key}' must be a number or a text"),
    };

    /// <summary>Parameters as a JSON object (keys in order).</summary>
    public static JsonObject ToJson(IReadOnlyDictionary<string, ParameterValue> values)
    {
        var o = new JsonObject();
        foreach (var (k, v) in values.OrderBy(p => p.Key, StringComparer.Ordinal)) o[k] = v.ToJsonNode();
        return o;
    }

    /// <summary>Reads <see cref="ToJson"/>'s text.</summary>
    public static Dictionary<string, ParameterValue> FromJsonText(string json)
    {
        var result = new Dictionary<string, ParameterValue>(StringComparer.Ordinal);
        if (JsonNode.Parse(json) is not JsonObject o) throw new FormatException("trial parameters must be a JSON object");
        foreach (var (k, v) in o) result[k] = FromJson(v, k);
        return result;
    }
}
