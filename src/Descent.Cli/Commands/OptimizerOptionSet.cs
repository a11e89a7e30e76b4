using System.CommandLine;
using System.Globalization;
using Descent.Optim;

namespace Descent.Cli.Commands;

/// <summary>
/// The optimizer options of <c>descent train</c>: one command-line option per torch keyword ("--weight-decay" for
/// weight_decay). An option left out takes the chosen optimizer's torch default; one the optimizer does not have
/// is an error naming it.
/// </summary>
internal sealed class OptimizerOptionSet
{
    private readonly List<(Option Option, string TorchName)> _options = [];
    private readonly Option<string[]> _extra;

    public OptimizerOptionSet(Command command)
    {
        Number("--lr", "lr", $"Learning rate [default: the optimizer's; {SgdDefaultLr} for sgd, whose torch class has none]");
        Number("--momentum", "momentum");
        Number("--dampening", "dampening");
        Number("--weight-decay", "weight_decay");
        Flag("--nesterov", "nesterov");
        Pair("--betas", "betas", " as B1,B2");
        Number("--eps", "eps");
        Number("--alpha", "alpha");
        Number("--rho", "rho");
        Flag("--amsgrad", "amsgrad");
        Flag("--centered", "centered");
        Flag("--maximize", "maximize");
        _extra = new Option<string[]>("--opt")
        {
            Description = "Any other keyword of the optimizer as NAME=VALUE: a number, true/false, numbers as A,B or a name, e.g. --opt lr_decay=0.01, --opt etas=0.5,1.2, --opt form=sutskever, --opt optimizer=adam (repeatable); `descent explain OPTIMIZER` lists its keywords with defaults and ranges",
            AllowMultipleArgumentsPerToken = false,
        };
        foreach (var (option, _) in _options) command.Add(option);
        command.Add(_extra);
    }

    /// <summary>
    /// The learning rate SGD takes in <c>train</c> and <c>explain</c> when none is given (PyTorch's SGD has no
    /// default): 0.1, which trains fmnist-mlp well and shows the lectures' picture in <c>explain --steps</c>.
    /// </summary>
    public const double SgdDefaultLr = 0.1;

    /// <summary>
    /// The options given on the command line, by torch name; for SGD without a learning rate, lr is
    /// <see cref="SgdDefaultLr"/>.
    /// </summary>
    public Dictionary<string, object> Read(ParseResult parse, string optimizer)
    {
        var result = Read(parse);
        if (TakesLr(optimizer, result).Equals("sgd", StringComparison.OrdinalIgnoreCase) && !result.ContainsKey("lr")) result["lr"] = SgdDefaultLr;
        return result;
    }

    /// <summary>The optimizer that reads the learning rate: a wrapper's inner one (SGD unless named), else the optimizer itself.</summary>
    private static string TakesLr(string optimizer, Dictionary<string, object> options) => optimizer.ToLowerInvariant() switch
    {
        "lookahead" => options.GetValueOrDefault("optimizer") as string ?? "sgd",
        "sam" => options.GetValueOrDefault("base_optimizer") as string ?? "sgd",
        _ => optimizer,
    };

    /// <summary>
    /// The optimizer named <paramref name="name"/> with the options given: a named variant of the optimizer lists
    /// (<c>momentum</c>, <c>nesterov</c>: SGD with momentum 0.9) becomes its optimizer with the variant's options
    /// under those given; SGD without a learning rate (also inside Lookahead or SAM) takes <see cref="SgdDefaultLr"/>.
    /// </summary>
    public (string Name, Dictionary<string, object> Options) Resolve(ParseResult parse, string name)
    {
        if (!Lab.Compare.OptimizerList.Variants.TryGetValue(name, out var variant)) return (name, Read(parse, name));
        var options = Read(parse, variant.Optimizer);
        foreach (var (key, value) in variant.Defaults) options.TryAdd(key, value);
        return (variant.Optimizer, options);
    }

    /// <summary>The options given on the command line, by torch name.</summary>
    public Dictionary<string, object> Read(ParseResult parse)
    {
        var result = new Dictionary<string, object>();
        foreach (var (option, torchName) in _options)
        {
            if (parse.GetResult(option) is not { Implicit: false }) continue;
            result[torchName] = option switch
            {
                Option<double> d => parse.GetValue(d),
                Option<bool> b => parse.GetValue(b),
                Option<string> s => ParsePair(option.Name, parse.GetValue(s)!),
                _ => throw new InvalidOperationException(option.Name),
            };
        }
        foreach (var assignment in parse.GetValue(_extra) ?? [])
        {
            int eq = assignment.IndexOf('=');
            if (eq <= 0) throw new CliUsageException($"invalid --opt '{assignment}': expected NAME=VALUE");
            string name = assignment[..eq].Trim(), text = assignment[(eq + 1)..].Trim();
            if (result.ContainsKey(name))
            {
                string flag = _options.FirstOrDefault(o => o.TorchName == name).Option?.Name ?? $"--opt {name}";
                throw new CliUsageException($"invalid --opt {assignment}: {name} is already given by {flag}; give it once");
            }
            result[name] = ParseValue(name, text);
        }
        return result;
    }

    private void Number(string name, string keyword, string? description = null) =>
        _options.Add((new Option<double>(name) { Description = description ?? Describe(keyword) }, keyword));

    private void Flag(string name, string keyword) =>
        _options.Add((new Option<bool>(name) { Description = Describe(keyword) }, keyword));

    private void Pair(string name, string keyword, string format) =>
        _options.Add((new Option<string>(name) { Description = Describe(keyword, format) }, keyword));

    /// <summary>
    /// The help of a keyword's option, from the hyper-parameter tables of the built-in optimizers that have it: their
    /// doc line when they share one, else the keyword's noun (explain gives each one's meaning), and the optimizers
    /// ("Dampening of the gradient added to the momentum buffer (keyword dampening of sgd)").
    /// </summary>
    private static string Describe(string keyword, string format = "")
    {
        var having = OptimizerCatalog.BuiltInNames
            .Select(n => (Name: n, Row: OptimizerCatalog.DefaultsOf(n)!.Table.FindKeyword(keyword)))
            .Where(x => x.Row is not null).ToList();
        if (having.Count == 0) throw new InvalidOperationException($"no built-in optimizer has keyword '{keyword}'");
        var docs = having.Select(x => x.Row!.Doc).Distinct().ToList();
        string text = docs.Count == 1 ? docs[0] : having[0].Row!.Noun;
        return $"{char.ToUpperInvariant(text[0])}{text[1..]}{format} (keyword {keyword} of {string.Join(", ", having.Select(x => x.Name.ToLowerInvariant()))})";
    }

    private static double[] ParsePair(string option, string text)
    {
        var parts = text.Split(',');
        if (parts.Length == 2 && TryNumber(parts[0], out var a) && TryNumber(parts[1], out var b)) return [a, b];
        throw new CliUsageException($"invalid {option}: expected two numbers as A,B (got '{text}')");
    }

    /// <summary>A value of <c>--opt</c>, read as the optimizer lists read theirs (<see cref="TorchOptions.TryParseValue"/>).</summary>
    private static object ParseValue(string name, string text) =>
        TorchOptions.TryParseValue(text, out var value, out var problem) ? value!
            : throw new CliUsageException($"invalid --opt {name}: '{text}' {problem}");

    private static bool TryNumber(string text, out double value) => InvariantNumber.TryParse(text, out value);
}
