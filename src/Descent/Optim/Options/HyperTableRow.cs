using System.Globalization;
using System.Reflection;

namespace Descent.Optim;

/// <summary>
/// One row of an optimizer's hyper-parameter table: a property of its options class marked with
/// <see cref="HyperAttribute"/>. It reads the property's keyword from torch options, checks a value against the range,
/// and gets or sets the property.
/// </summary>
public sealed class HyperTableRow
{
    private readonly PropertyInfo _property;
    private readonly HyperAttribute _row;

    internal HyperTableRow(PropertyInfo property, HyperAttribute row, bool required)
    {
        _property = property;
        _row = row;
        Required = required;
        if (Kind(property.PropertyType) is null)
            throw new InvalidOperationException($"{property.DeclaringType?.Name}.{property.Name}: a hyper-parameter of type {property.PropertyType.Name} cannot be read from keyword options");
    }

    /// <summary>The keyword name ("weight_decay").</summary>
    public string Keyword => _row.Keyword;

    /// <summary>The .NET property name ("WeightDecay").</summary>
    public string Name => _property.Name;

    /// <summary>The property's type.</summary>
    public Type Type => _property.PropertyType;

    /// <summary>What the value does, in one line.</summary>
    public string Doc => _row.Doc;

    /// <summary>The symbol in the update rule, or null.</summary>
    public string? Symbol => _row.Symbol;

    /// <summary>The range every value (every element of a pair or tuple) must lie in.</summary>
    public Must Must => _row.Must;

    /// <summary>True when the keyword has no default and must be given.</summary>
    public bool Required { get; }

    /// <summary>True for a Descent extension the reference constructor does not have.</summary>
    public bool Extension => _row.Extension;

    /// <summary>The noun error messages use ("learning rate").</summary>
    public string Noun => _row.Noun ?? Keyword.Replace('_', ' ');

    /// <summary>The value of the property on <paramref name="options"/>.</summary>
    public object? Get(OptimizerOptions options) => _property.GetValue(options);

    /// <summary>Sets the property on <paramref name="options"/>; its setter checks the value.</summary>
    public void Set(OptimizerOptions options, object? value)
    {
        try { _property.SetValue(options, value); }
        catch (TargetInvocationException e) when (e.InnerException is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerException).Throw();
        }
    }

    /// <summary>
    /// Checks <paramref name="value"/> (each element of a pair or tuple) against <see cref="Must"/>; returns it or
    /// throws an <see cref="ArgumentOutOfRangeException"/> naming the property and the element.
    /// </summary>
    public T Check<T>(T value)
    {
        if (Must == Must.Any) return value;
        switch (value)
        {
            case double d: Must.Require(d, Name, Noun); break;
            case int i when !Must.Holds(i):
                throw new ArgumentOutOfRangeException(Name, i, $"{Noun} must be {Must.IntegerText()}");
            case long l when !Must.Holds(l):
                throw new ArgumentOutOfRangeException(Name, l, $"{Noun} must be {Must.IntegerText()}");
            case ValueTuple<double, double> (var a, var b):
                Must.Require(a, Name, $"{Noun} at index 0");
                Must.Require(b, Name, $"{Noun} at index 1");
                break;
            case ValueTuple<double?, double> (var a, var b):
                if (a is double first) Must.Require(first, Name, $"{Noun} at index 0");
                Must.Require(b, Name, $"{Noun} at index 1");
                break;
            case double[] array:
                for (int k = 0; k < array.Length; k++) Must.Require(array[k], Name, $"{Noun} at index {k}");
                break;
        }
        return value;
    }

    /// <summary>
    /// Reads this keyword from <paramref name="keywords"/> into <paramref name="options"/>: an absent keyword (or
    /// None) leaves the property's default, or, for a <see cref="Required"/> one, is an error.
    /// </summary>
    public void Read(TorchOptions keywords, OptimizerOptions options)
    {
        var type = Type;
        object? current = Get(options);
        object? value = Kind(type) switch
        {
            ValueKind.Number when Required => keywords.RequiredNumber(Keyword),
            ValueKind.Number => keywords.Number(Keyword, (double)current!),
            ValueKind.OptionalNumber => keywords.OptionalNumber(Keyword) ?? (double?)current,
            ValueKind.Flag => keywords.Flag(Keyword, (bool)current!),
            ValueKind.OptionalFlag => keywords.OptionalFlag(Keyword) ?? (bool?)current,
            ValueKind.Integer => keywords.Integer(Keyword, (int)current!),
            ValueKind.OptionalInteger => keywords.OptionalInteger(Keyword) ?? (int?)current,
            ValueKind.Text => keywords.Text(Keyword, (string?)current),
            ValueKind.Pair => keywords.Pair(Keyword, ((double, double))current!),
            ValueKind.NullablePair => keywords.NullablePair(Keyword, ((double?, double))current!),
            ValueKind.Numbers => keywords.Numbers(Keyword, ((double[])current!).Length, (double[])current!),
            ValueKind.Choice => keywords.Choice(Keyword, type, (Enum)current!),
            _ => throw new InvalidOperationException(Name),
        };
        if (!Equals(value, current) || Required) Set(options, value);
    }

    /// <summary>A value as the command line and <c>explain</c> print it ("0.001", "(0.9, 0.999)", "none").</summary>
    public static string Format(object? value) => value switch
    {
        null => "none",
        double d => d.ToString("G6", CultureInfo.InvariantCulture),
        bool b => b ? "true" : "false",
        ValueTuple<double, double> (var a, var b) => $"({Format(a)}, {Format(b)})",
        ValueTuple<double?, double> (var a, var b) => $"({Format(a)}, {Format(b)})",
        double[] array => "(" + string.Join(", ", array.Select(x => Format(x))) + ")",
        Enum e => e.ToString().ToLowerInvariant(),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>How a value of <paramref name="type"/> is read from keyword options; null when it cannot be.</summary>
    private static ValueKind? Kind(Type type) => type switch
    {
        _ when type == typeof(double) => ValueKind.Number,
        _ when type == typeof(double?) => ValueKind.OptionalNumber,
        _ when type == typeof(bool) => ValueKind.Flag,
        _ when type == typeof(bool?) => ValueKind.OptionalFlag,
        _ when type == typeof(int) => ValueKind.Integer,
        _ when type == typeof(int?) => ValueKind.OptionalInteger,
        _ when type == typeof(string) => ValueKind.Text,
        _ when type == typeof(ValueTuple<double, double>) => ValueKind.Pair,
        _ when type == typeof(ValueTuple<double?, double>) => ValueKind.NullablePair,
        _ when type == typeof(double[]) => ValueKind.Numbers,
        _ when type.IsEnum => ValueKind.Choice,
        _ => null,
    };

    private enum ValueKind { Number, OptionalNumber, Flag, OptionalFlag, Integer, OptionalInteger, Text, Pair, NullablePair, Numbers, Choice }
}
