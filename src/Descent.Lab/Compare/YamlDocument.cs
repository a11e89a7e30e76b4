using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Descent.Lab.Compare;

/// <summary>
/// Reads a YAML document into the JSON tree the experiment and study readers take, so YAML and JSON files share one
/// reader and one set of keys. Plain scalars become numbers (invariant culture, no group separators), true/false,
/// null (<c>null</c>, <c>~</c> or nothing) or text; quoted scalars are always text.
/// </summary>
public static class YamlDocument
{
    /// <summary>Parses <paramref name="yaml"/>; malformed YAML is an <see cref="ArgumentException"/> naming the line.</summary>
    public static JsonNode? Parse(string yaml)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var stream = new YamlStream();
        try { stream.Load(new StringReader(yaml)); }
        catch (YamlException e) { throw new ArgumentException($"not valid YAML at line {e.Start.Line}, column {e.Start.Column}: {Message(e)}"); }
        catch (ArgumentException e) { throw new ArgumentException($"not valid YAML: {e.Message}"); }  // a repeated key
        if (stream.Documents.Count == 0) return null;
        if (stream.Documents.Count > 1) throw new ArgumentException("the YAML file holds more than one document");
        // Through JSON text, so numbers read back as any numeric type (as those of a parsed JSON file do).
        return Convert(stream.Documents[0].RootNode) is { } tree ? JsonNode.Parse(tree.ToJsonString()) : null;
    }

    private static string Message(YamlException e) => (e.InnerException?.Message ?? e.Message).ReplaceLineEndings(" ");

    private static JsonNode? Convert(YamlNode node) => node switch
    {
        YamlMappingNode map => ConvertMapping(map),
        YamlSequenceNode sequence => new JsonArray([.. sequence.Children.Select(Convert)]),
        YamlScalarNode scalar => ConvertScalar(scalar),
        _ => throw new ArgumentException($"unsupported YAML node at line {node.Start.Line}"),
    };

    private static JsonObject ConvertMapping(YamlMappingNode map)
    {
        var result = new JsonObject();
        foreach (var (key, value) in map.Children)
        {
            string name = key is YamlScalarNode { Value: { } k } ? k : throw new ArgumentException($"a YAML key at line {key.Start.Line} must be text");
            if (result.ContainsKey(name)) throw new ArgumentException($"the key '{name}' appears twice (line {key.Start.Line})");
            result[name] = Convert(value);
        }
        return result;
    }

    private static JsonNode? ConvertScalar(YamlScalarNode scalar)
    {
        string text = scalar.Value ?? "";
        if (scalar.Style is ScalarStyle.SingleQuoted or ScalarStyle.DoubleQuoted or ScalarStyle.Literal or ScalarStyle.Folded)
            return JsonValue.Create(text);
        switch (text)
        {
            case "" or "~" or "null" or "Null" or "NULL": return null;
            case "true" or "True" or "TRUE": return JsonValue.Create(true);
            case "false" or "False" or "FALSE": return JsonValue.Create(false);
        }
        if (InvariantNumber.TryParse(text, out long integer)) return JsonValue.Create(integer);
        if (InvariantNumber.TryParse(text, out double number) && double.IsFinite(number)) return JsonValue.Create(number);
        return JsonValue.Create(text);
    }
}
