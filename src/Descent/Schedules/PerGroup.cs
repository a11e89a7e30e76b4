using System.Globalization;

namespace Descent.Schedules;

/// <summary>
/// A value for every parameter group, or one value per group, as PyTorch's "float or list" arguments (max_lr,
/// base_momentum, min_lr, ...). Converts implicitly from a <see cref="double"/> and from a <see cref="double"/>[].
/// </summary>
public readonly struct PerGroup
{
    private readonly double _value;
    private readonly double[]? _values;

    /// <summary>The same <paramref name="value"/> for every group.</summary>
    public PerGroup(double value) => _value = value;

    /// <summary>One value per group, in group order.</summary>
    public PerGroup(IReadOnlyList<double> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        _values = values.ToArray();
    }

    /// <summary>Whether one value per group was given.</summary>
    public bool IsList => _values is not null;

    /// <summary>The same value for every group.</summary>
    public static implicit operator PerGroup(double value) => new(value);

    /// <summary>One value per group.</summary>
    public static implicit operator PerGroup(double[] values) => new(values);

    /// <summary>
    /// The value of each of <paramref name="groups"/> groups, each checked by <paramref name="check"/>; a list of the
    /// wrong length is an <see cref="ArgumentException"/> naming <paramref name="name"/>.
    /// </summary>
    internal double[] Resolve(int groups, string name, Func<double, string, double> check)
    {
        double[] result;
        if (_values is null) result = Enumerable.Repeat(_value, groups).ToArray();
        else if (_values.Length != groups)
            throw new ArgumentException($"expected {groups} values (one per parameter group), got {_values.Length}", name);
        else result = (double[])_values.Clone();
        foreach (var v in result) check(v, name);
        return result;
    }

    /// <inheritdoc/>
    public override string ToString() => _values is null
        ? _value.ToString("R", CultureInfo.InvariantCulture)
        : "[" + string.Join(", ", _values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}
