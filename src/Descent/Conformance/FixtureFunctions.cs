namespace Descent.Conformance;

/// <summary>
/// The Python lambdas of the schedule recordings (tools/fixtures/record_schedules.py), by their exact source text,
/// as C# functions computing the same doubles: LambdaLR and MultiplicativeLR bodies of <c>lambda epoch: …</c>, and
/// CyclicLR scale functions, bodies of <c>lambda x: …</c>.
/// </summary>
public static class FixtureFunctions
{
    /// <summary>lr_lambda bodies, by text.</summary>
    public static IReadOnlyDictionary<string, Func<long, double>> Lambdas { get; } = new Dictionary<string, Func<long, double>>
    {
        ["0.95 ** epoch"] = e => Math.Pow(0.95, e),
        ["1 / (epoch + 1)"] = e => 1.0 / (e + 1),
        ["epoch // 10"] = e => e / 10,
        ["min(1.0, (epoch + 1) / 10)"] = e => Math.Min(1.0, (e + 1) / 10.0),
        ["0.95"] = _ => 0.95,
        ["0.9 if epoch % 5 == 0 else 1.0"] = e => e % 5 == 0 ? 0.9 : 1.0,
        ["1 - 0.01 * epoch"] = e => 1 - 0.01 * e,
    };

    /// <summary>scale_fn bodies, by text.</summary>
    public static IReadOnlyDictionary<string, Func<double, double>> ScaleFunctions { get; } = new Dictionary<string, Func<double, double>>
    {
        ["0.5 ** x"] = x => Math.Pow(0.5, x),
        ["1 / (1 + 0.05 * x)"] = x => 1 / (1 + 0.05 * x),
    };

    /// <summary>The function for lambda text <paramref name="text"/>; an unknown text lists the known ones.</summary>
    public static Func<long, double> Lambda(string text) => Lambdas.TryGetValue(text, out var f) ? f
        : throw new ArgumentException($"unknown recorded lambda '{text}'; known: {string.Join(" | ", Lambdas.Keys)}", nameof(text));

    /// <summary>The function for scale_fn text <paramref name="text"/>; an unknown text lists the known ones.</summary>
    public static Func<double, double> ScaleFunction(string text) => ScaleFunctions.TryGetValue(text, out var f) ? f
        : throw new ArgumentException($"unknown recorded scale_fn '{text}'; known: {string.Join(" | ", ScaleFunctions.Keys)}", nameof(text));
}
