using Descent.Lab.Plugins;

namespace Descent.Cli;

/// <summary>
/// <c>--plugin PATH</c> (repeatable, anywhere on the command line): assemblies whose <see cref="IDescentPlugin"/>s
/// register optimizers and problems. They are taken out of the arguments and loaded before the commands are built,
/// so the registered names appear in every command's help and work in every command.
/// </summary>
internal static class PluginArguments
{
    /// <summary>The option's name.</summary>
    public const string Flag = "--plugin";

    /// <summary>Loads the plugins named in <paramref name="args"/>; returns the other arguments.</summary>
    public static string[] LoadAndRemove(string[] args)
    {
        var rest = new List<string>(args.Length);
        for (int i = 0; i < args.Length; i++)
        {
            string arg = args[i];
            if (arg == "--") { rest.AddRange(args[i..]); break; }
            if (arg == Flag)
            {
                if (i + 1 >= args.Length || args[i + 1].StartsWith('-'))
                    throw new CliUsageException($"{Flag} needs the path of a plugin assembly (a .dll)");
                PluginLoader.Load(args[++i]);
            }
            else if (arg.StartsWith(Flag + "=", StringComparison.Ordinal)) PluginLoader.Load(arg[(Flag.Length + 1)..]);
            else rest.Add(arg);
        }
        return [.. rest];
    }
}
