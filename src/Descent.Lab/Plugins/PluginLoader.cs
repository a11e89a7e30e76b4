using System.Reflection;
using System.Runtime.Loader;

namespace Descent.Lab.Plugins;

/// <summary>
/// Loads plugin assemblies and runs their <see cref="IDescentPlugin"/>s. An assembly is loaded into the default
/// context, so it shares Descent's own types; assemblies the plugin references are found only where the host finds
/// its own (Descent, the .NET libraries), not beside the plugin. Loading the same file twice registers it once.
/// </summary>
public static class PluginLoader
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Loaded = new(StringComparer.Ordinal);

    /// <summary>
    /// Loads the assembly at <paramref name="path"/> and registers its plugins; returns their type names. A missing
    /// file is a <see cref="FileNotFoundException"/>; a file that is not a .NET assembly, or holds no
    /// <see cref="IDescentPlugin"/>, an <see cref="ArgumentException"/> naming the file.
    /// </summary>
    public static IReadOnlyList<string> Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string full = Path.GetFullPath(path);
        if (!File.Exists(full)) throw new FileNotFoundException($"plugin '{path}' does not exist", full);
        lock (Gate)
        {
            if (Loaded.Contains(full)) return [];
            Assembly assembly;
            try { assembly = AssemblyLoadContext.Default.LoadFromAssemblyPath(full); }
            catch (BadImageFormatException) { throw new ArgumentException($"plugin '{path}' is not a .NET assembly", nameof(path)); }
            var types = PluginTypes(assembly);
            if (types.Count == 0)
                throw new ArgumentException($"plugin '{path}' has no public class implementing {nameof(IDescentPlugin)} with a parameterless constructor", nameof(path));
            foreach (var type in types) ((IDescentPlugin)Activator.CreateInstance(type)!).Register();
            Loaded.Add(full);
            return [.. types.Select(t => t.FullName ?? t.Name)];
        }
    }

    private static List<Type> PluginTypes(Assembly assembly)
    {
        Type?[] types;
        try { types = assembly.GetExportedTypes(); }
        catch (ReflectionTypeLoadException e) { types = e.Types; }
        return [.. types.Where(t => t is { IsClass: true, IsAbstract: false } && typeof(IDescentPlugin).IsAssignableFrom(t) && t.GetConstructor(Type.EmptyTypes) is not null).Select(t => t!)];
    }
}
