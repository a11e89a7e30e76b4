using System.CommandLine;
using System.Globalization;
using Descent.Lab.Explain;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Cli.Commands;

/// <summary>
/// <c>descent explain NAME</c>: the update rule, defaults, paper and lecture-note form of an optimizer; with
/// <c>--steps N</c>, N steps on a tiny quadratic showing the parameter, gradient and every state buffer.
/// </summary>
internal static class ExplainCommand
{
    /// <summary>The most demonstration steps: each is printed, with every buffer.</summary>
    private const int MaxSteps = 10_000;

    public static Command Create(TextWriter output)
    {
        var name = new Argument<string>("optimizer") { Description = $"One of: {string.Join(", ", OptimizerCatalog.Names.Select(n => n.ToLowerInvariant()))}" };
        var steps = new Option<int>("--steps") { Description = "Run this many steps on f(θ) = ½(θ₀² + 10θ₁²) from θ = (1, 1) and print everything the optimizer keeps" };
        var command = new Command("explain", "Explain an optimizer: update rule, defaults, paper, and the lecture-note form it matches.") { name, steps };
        var options = new OptimizerOptionSet(command);
        command.WithExamples(
        [
            ("descent explain adam", "Adam's update rule, options with their defaults, paper and lecture form"),
            ("descent explain momentum --steps 5", "SGD with momentum 0.9: five steps on a small quadratic, every buffer shown"),
        ], "");
        command.SetAction(parse =>
        {
            int n = parse.GetValue(steps);   // checked before anything is printed
            if (n is < 0 or > MaxSteps) throw new CliUsageException($"invalid --steps: must be from 0 to {MaxSteps} (got {n})");
            var (optimizer, given) = options.Resolve(parse, parse.GetValue(name)!);
            var explanation = OptimizerExplanations.Find(optimizer)
                ?? throw new InvalidOptionException("optimizer", optimizer,
                    $"unknown optimizer '{optimizer}'{Suggestions.DidYouMean(optimizer, OptimizerCatalog.Names)}; known optimizers: {string.Join(", ", OptimizerCatalog.Names)}");
            var probe = Tensor.Zeros(1);
            probe.RequiresGrad = true;
            var built = OptimizerCatalog.Create(optimizer, [new NamedParameter("probe", probe)], new TorchOptions(given));

            output.WriteLine($"{explanation.Name}");
            output.WriteLine();
            foreach (var line in explanation.Rule.Split('\n')) output.WriteLine("  " + line.TrimEnd());
            output.WriteLine();
            output.WriteLine($"options    {DescribeOptions(built.DefaultOptions, OptimizerCatalog.DefaultsOf(optimizer) is not null)}");
            output.WriteLine($"paper      {explanation.Reference}");
            output.WriteLine($"lectures   {explanation.SeedForm}");

            if (n > 0) PrintDemo(output, optimizer, given, n);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void PrintDemo(TextWriter output, string optimizer, Dictionary<string, object> options, int steps)
    {
        output.WriteLine();
        output.WriteLine("f(θ) = ½(θ₀² + 10·θ₁²), θ = (1, 1):");
        foreach (var s in ExplainDemo.Run(optimizer, new TorchOptions(options), steps))
        {
            double f = 0.5 * (s.Parameter[0] * (double)s.Parameter[0] + 10 * s.Parameter[1] * (double)s.Parameter[1]);
            output.Write(F($"step {s.Step,3}  f(θ) {f:G6}  grad {Vec(s.Gradient)}  θ {Vec(s.Parameter)}"));
            foreach (var (key, value) in s.Buffers) output.Write($"  {key} {Vec(value)}");
            foreach (var (key, value) in s.Scalars) output.Write(F($"  {key} {value:G6}"));
            output.WriteLine();
        }
    }

    /// <summary>The symbols the update rules use for torch's option names.</summary>
    private static readonly Dictionary<string, string> Symbols = new()
    {
        ["lr"] = "η", ["momentum"] = "μ", ["dampening"] = "τ", ["weight_decay"] = "λ", ["betas"] = "β₁, β₂", ["eps"] = "ε",
        ["alpha"] = "α", ["rho"] = "ρ", ["lr_decay"] = "lr decay", ["etas"] = "η₋, η₊", ["lambd"] = "λ",
    };

    /// <summary>
    /// The options by their torch keyword, each with its symbol in the rule ("lr η=0.001, betas β₁, β₂=(0.9, 0.999)");
    /// Descent's own options (textbook forms and the like) follow under "descent". A built-in optimizer's come from
    /// its hyper-parameter table; a registered one's from its options' properties.
    /// </summary>
    private static string DescribeOptions(OptimizerOptions options, bool builtIn)
    {
        if (!builtIn) return DescribeProperties(options);
        var torch = new List<string>();
        var extra = new List<string>();
        foreach (var row in options.Table.Rows)
            (row.Extension ? extra : torch).Add($"{row.Keyword}{(row.Symbol is { } symbol ? " " + symbol : "")}={HyperTableRow.Format(row.Get(options))}");
        return Join(torch, extra);
    }

    /// <summary>The options of a registered optimizer, by their properties' names in snake_case.</summary>
    private static string DescribeProperties(OptimizerOptions options)
    {
        var torch = new List<string>();
        var extra = new List<string>();
        var properties = options.GetType().GetProperties()
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0 && p.PropertyType != typeof(HyperTable)).ToList();
        bool hasBetas = properties.Any(p => p.Name == "Betas");
        foreach (var p in properties.OrderBy(p => p.Name == "Lr" ? 0 : 1))
        {
            if (hasBetas && p.Name is "Beta1" or "Beta2") continue;
            string key = string.Concat(p.Name.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
            string text = $"{key}{(Symbols.TryGetValue(key, out var symbol) ? " " + symbol : "")}={FormatValue(p.GetValue(options))}";
            (p.Name is "Form" or "LookAhead" or "EpsilonPlacement" or "DecoupledWeightDecay" ? extra : torch).Add(text);
        }
        return Join(torch, extra);
    }

    private static string Join(List<string> torch, List<string> extra) =>
        string.Join(", ", torch) + (extra.Count > 0 ? $"\n           descent: {string.Join(", ", extra)}" : "");

    private static string FormatValue(object? value) => value switch
    {
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        float f => f.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        null => "none",
        _ => value.ToString() ?? "",
    };

    private static string Vec(float[] values) => "(" + string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + ")";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
