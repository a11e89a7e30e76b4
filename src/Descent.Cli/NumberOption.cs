using System.CommandLine;
using System.CommandLine.Parsing;

namespace Descent.Cli;

/// <summary>
/// Makes every numeric option of the command line read its value with <see cref="InvariantNumber"/>:
/// System.CommandLine's own conversion follows the current culture and reads "0,1" as 1 (a group separator). A
/// value that is not a number is a parse error, "invalid --lr: '0,1' is not a number; ..." (exit code 2).
/// </summary>
/// <remarks>
/// Installed once on the whole command tree by <see cref="DescentCli"/>, so an option added to any command later
/// cannot miss it.
/// </remarks>
internal static class NumberOption
{
    private delegate bool TryParse<T>(string text, out T value);

    /// <summary>Installs the invariant parser on every int, long, ulong and double option (nullable or not) under <paramref name="command"/>.</summary>
    public static void InstallOn(Command command)
    {
        foreach (var option in command.Options) Install(option);
        foreach (var sub in command.Subcommands) InstallOn(sub);
    }

    private static void Install(Option option)
    {
        switch (option)
        {
            case Option<double> o: o.CustomParser = r => Read<double>(r, o.Name, InvariantNumber.TryParse, "a number", o) ?? default; break;
            case Option<double?> o: o.CustomParser = r => Read<double>(r, o.Name, InvariantNumber.TryParse, "a number", o); break;
            case Option<int> o: o.CustomParser = r => Read<int>(r, o.Name, InvariantNumber.TryParse, "an integer", o) ?? default; break;
            case Option<int?> o: o.CustomParser = r => Read<int>(r, o.Name, InvariantNumber.TryParse, "an integer", o); break;
            case Option<long> o: o.CustomParser = r => Read<long>(r, o.Name, InvariantNumber.TryParse, "an integer", o) ?? default; break;
            case Option<long?> o: o.CustomParser = r => Read<long>(r, o.Name, InvariantNumber.TryParse, "an integer", o); break;
            case Option<ulong> o: o.CustomParser = r => Read<ulong>(r, o.Name, InvariantNumber.TryParse, UnsignedRange, o) ?? default; break;
            case Option<ulong?> o: o.CustomParser = r => Read<ulong>(r, o.Name, InvariantNumber.TryParse, UnsignedRange, o); break;
        }
    }

    private const string UnsignedRange = "an integer from 0 to 18446744073709551615";

    private static T? Read<T>(ArgumentResult result, string name, TryParse<T> parse, string what, Option option) where T : struct
    {
        if (result.Tokens.Count == 0)
            return option.HasDefaultValue && option.GetDefaultValue() is T fallback ? fallback : null;
        string text = result.Tokens[^1].Value;
        if (parse(text, out T value)) return value;
        result.AddError($"invalid {name}: '{text}' is not {what}; {InvariantNumber.Form}");
        return null;
    }
}
