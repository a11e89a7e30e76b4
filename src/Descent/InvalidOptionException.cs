using System.Globalization;

namespace Descent;

/// <summary>
/// An option with an invalid value, named by its key as the user wrote it: a torch.optim keyword ("lr", "betas",
/// "weight_decay") for an optimizer (<see cref="Owner"/> names it), or a setting of a run or experiment ("epochs",
/// "batch_size", "seeds"). Outer layers word it in their terms — the command line as the flag that was typed
/// (<c>--lr</c>, <c>--opt lr_decay=…</c>), an experiment file as its key — from <see cref="Key"/>,
/// <see cref="Value"/> and <see cref="Reason"/>, without reading the message.
/// </summary>
public sealed class InvalidOptionException : ArgumentException
{
    /// <summary>Creates the exception for <paramref name="key"/> = <paramref name="value"/>, which is invalid because of <paramref name="reason"/>.</summary>
    public InvalidOptionException(string key, object? value, string reason, string? owner = null, Exception? innerException = null)
        : base(reason, key, innerException)
    {
        Key = key;
        Value = value;
        Reason = reason;
        Owner = owner;
    }

    /// <summary>The option's key, such as "lr", "betas" or "batch_size".</summary>
    public string Key { get; }

    /// <summary>The value given, or null when the option was missing.</summary>
    public object? Value { get; }

    /// <summary>Why it is invalid, such as "must be at least 0".</summary>
    public string Reason { get; }

    /// <summary>The optimizer whose option it is ("SGD", "Adam"), or null for a run's or experiment's setting.</summary>
    public string? Owner { get; }

    /// <summary>"key=value: reason" ("key: reason" without a value), with no parameter-name suffix.</summary>
    public override string Message => Value is null ? $"{Key}: {Reason}" : $"{Key}={Format(Value)}: {Reason}";

    /// <summary>A value as it would be typed: numbers in the invariant culture, pairs as a,b.</summary>
    public static string Format(object? value) => value switch
    {
        null => "nothing",
        double d => d.ToString("R", CultureInfo.InvariantCulture),
        double[] a => string.Join(",", a.Select(x => x.ToString("R", CultureInfo.InvariantCulture))),
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>One line for any argument error: an option's "key: reason (got value)", otherwise <see cref="ReasonOf"/>.</summary>
    public static string Describe(ArgumentException e) => e is InvalidOptionException o ? o.Message : ReasonOf(e);

    /// <summary>
    /// The reason an <see cref="ArgumentException"/> gives, without the runtime's " (Parameter '…')" and
    /// "Actual value was …" additions.
    /// </summary>
    public static string ReasonOf(ArgumentException e)
    {
        if (e is InvalidOptionException o) return o.Reason;
        string text = e.Message;
        int cut = text.IndexOf(" (Parameter '", StringComparison.Ordinal);
        if (cut >= 0) text = text[..cut];
        int line = text.IndexOfAny(['\r', '\n']);
        return (line >= 0 ? text[..line] : text).Trim();
    }
}
