using System.Collections.Concurrent;
using System.Reflection;

namespace Descent.Optim;

/// <summary>
/// An options class's hyper-parameters, one <see cref="HyperTableRow"/> per property marked with
/// <see cref="HyperAttribute"/>, in declaration order from the base class down (lr first).
/// </summary>
public sealed class HyperTable
{
    private static readonly ConcurrentDictionary<Type, HyperTable> Tables = new();
    private readonly Dictionary<string, HyperTableRow> _byName;

    private HyperTable(Type optionsType)
    {
        var rules = optionsType.GetCustomAttribute<KeywordsAttribute>() ?? new KeywordsAttribute();
        var all = new List<HyperTableRow>();
        foreach (var type in Lineage(optionsType))
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).OrderBy(p => p.MetadataToken))
                if (property.GetCustomAttribute<HyperAttribute>() is { } row)
                    all.Add(new HyperTableRow(property, row, row.Required || rules.Required.Contains(row.Keyword)));
        var rows = all.Where(r => !rules.Omitted.Contains(r.Keyword)).ToList();
        Rows = rows;
        _byName = all.ToDictionary(r => r.Name, StringComparer.Ordinal);
        var keywords = rows.GroupBy(r => r.Keyword).FirstOrDefault(g => g.Count() > 1);
        if (keywords is not null)
            throw new InvalidOperationException($"{optionsType.Name}: keyword '{keywords.Key}' names two hyper-parameters");
    }

    /// <summary>The table of <typeparamref name="TOptions"/>.</summary>
    public static HyperTable Of<TOptions>() where TOptions : OptimizerOptions => Of(typeof(TOptions));

    /// <summary>The table of options type <paramref name="optionsType"/> (built once, then cached).</summary>
    public static HyperTable Of(Type optionsType)
    {
        ArgumentNullException.ThrowIfNull(optionsType);
        if (!typeof(OptimizerOptions).IsAssignableFrom(optionsType))
            throw new ArgumentException($"{optionsType.Name} is not an OptimizerOptions type", nameof(optionsType));
        return Tables.GetOrAdd(optionsType, t => new HyperTable(t));
    }

    /// <summary>The rows, lr first, then each class's own in declaration order.</summary>
    public IReadOnlyList<HyperTableRow> Rows { get; }

    /// <summary>The row of .NET property <paramref name="name"/> (an omitted one too, for its range), or null.</summary>
    public HyperTableRow? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The row whose keyword is <paramref name="keyword"/>, or null.</summary>
    public HyperTableRow? FindKeyword(string keyword) => Rows.FirstOrDefault(r => r.Keyword == keyword);

    /// <summary>
    /// Reads every keyword of the table from <paramref name="keywords"/> into <paramref name="options"/> (absent ones
    /// keep its values) and returns it. Keywords the table does not have stay unread, for
    /// <see cref="TorchOptions.EnsureAllUsed"/> to refuse or a wrapper to pass on.
    /// </summary>
    /// <exception cref="InvalidOptionException">A value is of the wrong kind or out of range; it names the keyword.</exception>
    public TOptions Read<TOptions>(TorchOptions keywords, TOptions options) where TOptions : OptimizerOptions
    {
        ArgumentNullException.ThrowIfNull(keywords);
        ArgumentNullException.ThrowIfNull(options);
        foreach (var row in Rows)
        {
            try { row.Read(keywords, options); }
            catch (ArgumentException e) when (e is not InvalidOptionException)
            {
                throw new InvalidOptionException(row.Keyword, keywords.ValueOf(row.Keyword) ?? (e as ArgumentOutOfRangeException)?.ActualValue,
                    InvalidOptionException.ReasonOf(e), innerException: e);
            }
        }
        return options;
    }

    /// <summary>
    /// The keyword of an <see cref="ArgumentException"/> a setter or <see cref="OptimizerOptions.Validate"/> threw,
    /// found through its parameter name (a property of this table); null when it names none.
    /// </summary>
    public string? KeywordOf(ArgumentException e) => e.ParamName is { } name ? Find(name)?.Keyword : null;

    private static IEnumerable<Type> Lineage(Type type)
    {
        var chain = new Stack<Type>();
        for (var t = type; t is not null && t != typeof(object); t = t.BaseType) chain.Push(t);
        return chain;
    }
}
