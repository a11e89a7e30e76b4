namespace Descent.Optim;

/// <summary>
/// Marks an options property as a hyper-parameter and gives its row of the optimizer's hyper-parameter table: the
/// keyword PyTorch (or the reference implementation) calls it, its symbol in the update rule, the range its values
/// must lie in, and one line of documentation. Everything else is derived from the property: its .NET name, its type
/// (which says how a keyword value is read) and its default (the value of a fresh options object).
/// </summary>
/// <remarks>
/// The table built from these attributes (<see cref="HyperTable"/>) is the one source the rest of Descent reads:
/// construction from torch keywords (<see cref="OptimizerCatalog"/>), validation in the setters
/// (<see cref="OptimizerOptions.Checked{T}(T, string)"/>), the command line's option listing and <c>descent
/// explain</c>. Adding a hyper-parameter means adding one property with this attribute.
/// </remarks>
/// <param name="keyword">The keyword name, as the reference constructor spells it ("weight_decay").</param>
/// <param name="doc">One line saying what the value does, for the command line and <c>explain</c>.</param>
[AttributeUsage(AttributeTargets.Property, Inherited = true)]
public sealed class HyperAttribute(string keyword, string doc) : Attribute
{
    /// <summary>The keyword name, as the reference constructor spells it.</summary>
    public string Keyword { get; } = keyword;

    /// <summary>What the value does, in one line.</summary>
    public string Doc { get; } = doc;

    /// <summary>The symbol the update rule writes for it ("η", "β₁, β₂"), or null.</summary>
    public string? Symbol { get; init; }

    /// <summary>
    /// The range every value (every element, for a pair or tuple) must lie in; <see cref="Must.Any"/> when the
    /// setter checks something no range expresses (the doc line then states it).
    /// </summary>
    public Must Must { get; init; }

    /// <summary>
    /// The noun error messages use ("learning rate", "beta parameter"); null for the keyword with spaces.
    /// </summary>
    public string? Noun { get; init; }

    /// <summary>True when the reference has no default and the keyword must be given (torch's SGD lr).</summary>
    public bool Required { get; init; }

    /// <summary>
    /// True for a Descent extension the reference constructor does not have (a textbook momentum form, the place of
    /// ε): accepted as a keyword, listed apart by <c>explain</c>.
    /// </summary>
    public bool Extension { get; init; }
}

/// <summary>
/// How an options class treats inherited rows of its table: keywords it has no default for (torch's SGD has none for
/// lr), and keywords that are not its own (a wrapper's lr belongs to the optimizer it wraps).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class KeywordsAttribute : Attribute
{
    /// <summary>Keywords that must be given when building from keyword options.</summary>
    public string[] Required { get; init; } = [];

    /// <summary>Inherited keywords left out of the table, so they reach whatever reads the keywords next.</summary>
    public string[] Omitted { get; init; } = [];
}
