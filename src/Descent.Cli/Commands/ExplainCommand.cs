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
            output.WriteLine($"paper      {explanation.Reference}");
            output.WriteLine($"lectures   {explanation.SeedForm}");
            output.WriteLine();
            WriteOptions(output, built);

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

    /// <summary>
    /// The optimizer's hyper-parameter table with the values it was built with (its defaults unless given): keyword,
    /// symbol, value, range and what it does; Descent's extensions apart; a wrapper's inner optimizer after it.
    /// </summary>
    private static void WriteOptions(TextWriter output, Optimizer optimizer)
    {
        var options = optimizer.DefaultOptions;
        var rows = options.Table.Rows;
        output.WriteLine($"options    (--opt KEYWORD=VALUE; the values {(optimizer is IOptimizerWrapper ? "of this run" : "of this run, defaults unless given")})");
        WriteRows(output, options, rows.Where(r => !r.Extension).ToList());
        var extensions = rows.Where(r => r.Extension).ToList();
        if (extensions.Count > 0)
        {
            output.WriteLine("descent    (options beyond the reference's)");
            WriteRows(output, options, extensions);
        }
        if (optimizer is IOptimizerWrapper wrapper)
        {
            output.WriteLine($"inner      {wrapper.Inner.GetType().Name} (its keywords are given beside the wrapper's)");
            WriteRows(output, wrapper.Inner.DefaultOptions, wrapper.Inner.DefaultOptions.Table.Rows);
        }
    }

    private static void WriteRows(TextWriter output, OptimizerOptions options, IReadOnlyList<HyperTableRow> rows)
    {
        if (rows.Count == 0) return;
        var cells = rows.Select(r => (Name: r.Keyword + (r.Symbol is { } s ? $" {s}" : ""), Value: HyperTableRow.Format(r.Get(options)), Range: r.Must.Symbol(), r.Doc)).ToList();
        int name = cells.Max(c => c.Name.Length), value = cells.Max(c => c.Value.Length), range = cells.Max(c => c.Range.Length);
        foreach (var c in cells)
            output.WriteLine($"  {c.Name.PadRight(name)}  {c.Value.PadRight(value)}  {c.Range.PadRight(range)}  {c.Doc}".TrimEnd());
    }

    private static string Vec(float[] values) => "(" + string.Join(", ", values.Select(v => v.ToString("G6", CultureInfo.InvariantCulture))) + ")";

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
