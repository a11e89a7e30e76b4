using System.Reflection;
using System.Runtime.InteropServices;
using System.Text.Json.Nodes;

namespace Descent.Lab.Compare;

/// <summary>What a run was made with: versions and machine, for config.json.</summary>
public static class RunEnvironment
{
    /// <summary>Descent's version, with the source revision when the build knew it.</summary>
    public static string DescentVersion =>
        typeof(Tensors.Tensor).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
        ?? typeof(Tensors.Tensor).Assembly.GetName().Version?.ToString() ?? "unknown";

    /// <summary>The versions, operating system, processor and thread count.</summary>
    public static JsonObject Describe() => new()
    {
        ["descent"] = DescentVersion,
        ["dotnet"] = RuntimeInformation.FrameworkDescription,
        ["os"] = RuntimeInformation.OSDescription,
        ["architecture"] = RuntimeInformation.ProcessArchitecture.ToString(),
        ["cpu_count"] = Environment.ProcessorCount,
        ["cpu_model"] = CpuModel(),
        ["compute_threads"] = Threading.ComputeThreads.Count,
        ["machine"] = Environment.MachineName,
    };

    private static string? CpuModel()
    {
        try
        {
            if (!File.Exists("/proc/cpuinfo")) return null;
            return File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim();
        }
        catch (IOException) { return null; }
        catch (UnauthorizedAccessException) { return null; }
    }
}
