using Descent.Nn;
using Descent.Optim;

using static Descent.Tests.Optim.OptimTestKit;

namespace Descent.Tests.Optim;

/// <summary>
/// The hyper-parameter table of every built-in optimizer against the catalog that builds from it: defaults inside
/// their own ranges, every keyword read back as given, every range enforced with an error naming the keyword.
/// </summary>
public class HyperTableTests
{
    public static TheoryData<string> BuiltIns => new(OptimizerCatalog.BuiltInNames);

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void EveryDefaultSatisfiesItsOwnRange(string name)
    {
        var defaults = Defaults(name);
        Assert.NotEmpty(defaults.Table.Rows);
        foreach (var row in defaults.Table.Rows)
        {
            foreach (var value in Numbers(row.Get(defaults)))
                Assert.True(row.Must.Holds(value), $"{name}.{row.Name} = {value}: not {row.Must.Text()}");
            row.Check(row.Get(defaults));   // the setter's check accepts it too
        }
    }

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void EveryKeywordGivenItsDefaultBuildsTheDefaults(string name)
    {
        var table = Defaults(name).Table;
        var plain = Build(name, Baseline(name)).DefaultOptions;
        foreach (var row in table.Rows)
        {
            var keywords = Baseline(name);
            keywords[row.Keyword] = Keyword(row.Get(Defaults(name)));
            var given = Build(name, keywords).DefaultOptions;
            foreach (var other in table.Rows)
                AssertSameValue(other.Get(plain), other.Get(given), $"{name} with {row.Keyword} given: {other.Keyword}");
        }
        var all = Baseline(name);
        foreach (var row in table.Rows) all[row.Keyword] = Keyword(row.Get(Defaults(name)));
        var allGiven = Build(name, all).DefaultOptions;
        foreach (var row in table.Rows)
            AssertSameValue(row.Get(plain), row.Get(allGiven), $"{name} with every keyword given: {row.Keyword}");
    }

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void EveryKeywordIsReadIntoItsProperty(string name)
    {
        var table = Defaults(name).Table;
        int read = 0;
        foreach (var row in table.Rows)
        {
            if (Changed(row.Get(Defaults(name)), row) is not { } changed) continue;
            var given = Baseline(name);
            if (IsWrapper(name)) given.Remove("lr");   // the wrapped optimizer's, not in the wrapper's table
            given[row.Keyword] = Keyword(changed);
            var keywords = new TorchOptions(given);
            var options = table.Read(keywords, Defaults(name));
            keywords.EnsureAllUsed(name);
            AssertSameValue(changed, row.Get(options), $"{name}.{row.Name} from {row.Keyword}");
            foreach (var other in table.Rows.Where(r => r != row))
                AssertSameValue(other.Get(Defaults(name)), other.Get(options), $"{name}.{other.Name} with only {row.Keyword} given");
            read++;
        }
        Assert.True(read > 0, $"{name}: no keyword was changed");
    }

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void EveryRangeIsEnforcedNamingTheKeyword(string name)
    {
        int checkedRows = 0;
        foreach (var row in Defaults(name).Table.Rows.Where(r => r.Must != Must.Any))
        {
            foreach (var bad in OutOfRange(row, row.Get(Defaults(name))))
            {
                var keywords = Baseline(name);
                keywords[row.Keyword] = Keyword(bad);
                var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create(name, [Param("a", 1f, 2f)], new TorchOptions(keywords)));
                Assert.Equal(row.Keyword, e.Key);
                Assert.Equal(name, e.Owner);
                Assert.StartsWith(row.Keyword, e.Message);
                Assert.Contains(row.Noun, e.Message);

                var options = Defaults(name);
                var direct = Assert.Throws<ArgumentOutOfRangeException>(() => row.Set(options, bad));
                Assert.Equal(row.Name, direct.ParamName);
                AssertSameValue(row.Get(Defaults(name)), row.Get(options), $"{name}.{row.Name} after a refused value");
            }
            checkedRows++;
        }
        Assert.Equal(Defaults(name).Table.Rows.Count(r => r.Must != Must.Any), checkedRows);
    }

    [Theory]
    [MemberData(nameof(BuiltIns))]
    public void AnUnknownKeywordListsTheOptimizersKeywords(string name)
    {
        var keywords = Baseline(name);
        keywords["no_such_keyword"] = 1.0;
        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create(name, [Param("a", 1f, 2f)], new TorchOptions(keywords)));
        Assert.Equal("no_such_keyword", e.Key);
        // A wrapper passes keywords it does not know on to the optimizer it wraps (SGD by default), which names them.
        string owner = IsWrapper(name) ? "SGD" : name;
        Assert.Equal(owner, e.Owner);
        var listed = e.Message[(e.Message.IndexOf("its options: ", StringComparison.Ordinal) + "its options: ".Length)..].Split(", ");
        foreach (var row in Defaults(owner).Table.Rows)
            Assert.Contains(row.Keyword, listed);
    }

    [Fact]
    public void WrappersLeaveTheLearningRateToTheOptimizerTheyWrap()
    {
        foreach (var name in OptimizerCatalog.BuiltInNames.Where(IsWrapper))
        {
            Assert.NotNull(Defaults(name).Table.Find(nameof(OptimizerOptions.Lr)));
            var wrapper = Build(name, new Dictionary<string, object> { ["lr"] = 0.25 });
            Assert.Equal(0.25, ((IOptimizerWrapper)wrapper).Inner.DefaultOptions.Lr);
        }
    }

    // ---- helpers ----

    private static OptimizerOptions Defaults(string name) =>
        OptimizerCatalog.DefaultsOf(name) ?? throw new InvalidOperationException($"{name} has no defaults");

    /// <summary>Lookahead and SAM: their table has no lr, which belongs to the optimizer they wrap.</summary>
    private static bool IsWrapper(string name) => Defaults(name).Table.FindKeyword("lr") is null;

    /// <summary>The keywords every build needs: required ones at their default, and a wrapper's inner SGD its lr.</summary>
    private static Dictionary<string, object> Baseline(string name)
    {
        var keywords = new Dictionary<string, object>();
        var defaults = Defaults(name);
        foreach (var row in defaults.Table.Rows.Where(r => r.Required)) keywords[row.Keyword] = Keyword(row.Get(defaults));
        if (IsWrapper(name)) keywords["lr"] = 0.1;
        return keywords;
    }

    private static Optimizer Build(string name, Dictionary<string, object> keywords) =>
        OptimizerCatalog.Create(name, [Param("a", 1f, 2f)], new TorchOptions(keywords));

    /// <summary>A property value as torch keyword options hold it (numbers as doubles, pairs as arrays, null as None).</summary>
    private static object Keyword(object? value) => value switch
    {
        null => TorchOptions.None,
        int i => (double)i,
        ValueTuple<double, double> (var a, var b) => new[] { a, b },
        ValueTuple<double?, double> (null, var b) => new double?[] { null, b },
        ValueTuple<double?, double> (double a, var b) => new[] { a, b },
        double[] array => array.ToArray(),
        Enum e => e.ToString().ToLowerInvariant(),
        _ => value,
    };

    /// <summary>The numbers a value holds (none for null, a flag or text).</summary>
    private static IEnumerable<double> Numbers(object? value) => value switch
    {
        double d => [d],
        int i => [i],
        ValueTuple<double, double> (var a, var b) => [a, b],
        ValueTuple<double?, double> (var a, var b) => a is double first ? [first, b] : [b],
        double[] array => array,
        _ => [],
    };

    /// <summary>
    /// Values outside <paramref name="row"/>'s range, each element of a pair or tuple in turn with the others at
    /// <paramref name="value"/>'s; whole numbers for an integer row.
    /// </summary>
    private static IEnumerable<object> OutOfRange(HyperTableRow row, object? value)
    {
        bool integer = Nullable.GetUnderlyingType(row.Type) == typeof(int) || row.Type == typeof(int);
        var outside = Outside(row.Must).Where(x => !integer || (double.IsFinite(x) && x == Math.Floor(x))).ToList();
        Assert.NotEmpty(outside);
        Assert.All(outside, x => Assert.False(row.Must.Holds(x)));
        foreach (var x in outside)
            switch (value)
            {
                case ValueTuple<double, double> (var a, var b):
                    yield return (x, b);
                    yield return (a, x);
                    break;
                case ValueTuple<double?, double> (var a, var b):
                    yield return ((double?)x, b);
                    yield return (a, x);
                    break;
                case double[] array:
                    for (int k = 0; k < array.Length; k++)
                    {
                        var copy = array.ToArray();
                        copy[k] = x;
                        yield return copy;
                    }
                    break;
                default:
                    yield return integer ? (int)x : (object)x;
                    break;
            }
    }

    /// <summary>Numbers just outside each range, and the non-finite ones a finite range refuses.</summary>
    private static double[] Outside(Must must) => must switch
    {
        Must.BeFinite => [double.NaN, double.PositiveInfinity, double.NegativeInfinity],
        Must.BeNonNegative => [-1, -1e-12, double.NaN, double.PositiveInfinity],
        Must.BePositive => [0, -1, double.NaN, double.PositiveInfinity],
        Must.BeNonPositive => [1, 1e-12, double.NaN, double.NegativeInfinity],
        Must.BeInUnitInterval => [1, -0.1, 1.5, double.NaN],
        Must.BeInClosedUnitInterval => [1.5, -0.1, double.NaN],
        Must.BeAtLeastOne => [0, 0.5, -3, double.NaN, double.PositiveInfinity],
        _ => [],
    };

    /// <summary>A valid value other than <paramref name="value"/> for the row, or null when there is none to pick.</summary>
    private static object? Changed(object? value, HyperTableRow row)
    {
        double Near(double x) => row.Must switch
        {
            Must.BeInUnitInterval or Must.BeInClosedUnitInterval => x >= 0.5 ? x / 2 : x + 0.25,
            Must.BeNonPositive => x - 0.5,
            _ => double.IsFinite(x) ? x + 1 : 2,
        };
        return value switch
        {
            double d => Near(d),
            int i => i + 1,
            bool b => !b,
            ValueTuple<double, double> (var a, var b) when row.Must != Must.Any => (Near(a), Near(b)),
            ValueTuple<double?, double> (var a, var b) => ((double?)Near(a ?? 0.5), Near(b)),
            double[] array => array.Select(Near).ToArray(),
            Enum e => Enum.GetValues(e.GetType()).Cast<Enum>().First(other => !other.Equals(e)),
            _ => null,
        };
    }

    private static void AssertSameValue(object? expected, object? actual, string what)
    {
        if (expected is double[] a && actual is double[] b) Assert.True(a.SequenceEqual(b), what);
        else Assert.True(Equals(expected, actual), $"{what}: {HyperTableRow.Format(expected)} vs {HyperTableRow.Format(actual)}");
    }
}
