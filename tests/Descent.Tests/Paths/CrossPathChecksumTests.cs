using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using Descent.Data;
using Descent.Tensors;
using Descent.Simd;
using Descent.Tests.Threading;
using Descent.Threading;
using Xunit.Abstractions;

namespace Descent.Tests.Paths;

/// <summary>
/// The same bits on every path: the checksums of <see cref="PathChecksums"/> (kernels, GEMMs, optimizer steps and
/// short trainings on real Fashion-MNIST) are equal whatever vector width the kernels are forced to in-process and
/// with one or two threads. scripts/test.sh also runs this test in separate processes with AVX-512, then AVX2 (and
/// FMA with it), turned off, then with 128-bit vectors preferred: the first pass records the checksums to
/// <c>DESCENT_PATHS_FILE</c> (<c>DESCENT_PATHS_MODE=record</c>), the others compare theirs against it
/// (<c>DESCENT_PATHS_MODE=compare</c>, with <c>DESCENT_PATHS_SETTING</c> naming the setting, which the test checks
/// really changed what the runtime reports).
/// </summary>
[Trait("Category", "Paths")]
[Collection(ComputeThreadsCollection.Name)]
public class CrossPathChecksumTests(ITestOutputHelper output)
{
    [Fact]
    public void TrainingAndKernelsGiveTheSameBitsOnEveryWidthAndThreadCount()
    {
        Dataset train = LoadFashionMnist();
        output.WriteLine(PathDescription());
        var expected = PathChecksums.Compute(train);
        string? mode = Environment.GetEnvironmentVariable("DESCENT_PATHS_MODE");

        // The in-process comparisons; a compare pass skips them, having its own path to compare with the recording.
        foreach (SimdWidth width in mode == "compare" ? [] : (SimdWidth[])[.. Widths.Vector, SimdWidth.Scalar])
        {
            if (width == SimdPath.Hardware) continue;
            var narrowed = Widths.With(width, () => PathChecksums.Compute(train));
            AssertSame(expected, narrowed, $"kernels forced to {width} (GEMM {GemmPathFor(width)})");
        }

        int saved = ComputeThreads.Count;
        try
        {
            ComputeThreads.Count = saved == 1 ? 2 : 1;
            AssertSame(expected, PathChecksums.Compute(train), $"{ComputeThreads.Count} compute threads");
        }
        finally
        {
            ComputeThreads.Count = saved;
        }

        string? file = Environment.GetEnvironmentVariable("DESCENT_PATHS_FILE");
        switch (mode)
        {
            case "record":
                Assert.False(string.IsNullOrEmpty(file), "DESCENT_PATHS_MODE=record needs DESCENT_PATHS_FILE");
                Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(file!))!);
                File.WriteAllLines(file!, [$"# {PathDescription()}", .. expected.Select(kv => $"{kv.Key} {kv.Value}")]);
                output.WriteLine($"recorded {expected.Count} checksums to {file}");
                break;
            case "compare":
                Assert.False(string.IsNullOrEmpty(file), "DESCENT_PATHS_MODE=compare needs DESCENT_PATHS_FILE");
                Assert.True(File.Exists(file), $"{file} is missing: the recording pass did not run");
                AssertSettingTookEffect(Environment.GetEnvironmentVariable("DESCENT_PATHS_SETTING"));
                string[] lines = File.ReadAllLines(file!);
                output.WriteLine($"recorded on: {lines[0].TrimStart('#', ' ')}");
                var recorded = lines.Skip(1).Select(l => l.Split(' ')).ToDictionary(p => p[0], p => p[1]);
                AssertSame(new SortedDictionary<string, string>(recorded, StringComparer.Ordinal), expected, $"this process ({PathDescription()}) against the recording");
                break;
        }
    }

    private static Dataset LoadFashionMnist()
    {
        string directory = DatasetLocator.SystemDirectory;
        var missing = MnistFormat.MissingFiles(directory);
        Assert.True(missing.Count == 0, $"Fashion-MNIST is missing from {directory} ({string.Join(", ", missing)}): run scripts/setup.sh");
        Dataset train = MnistFormat.Load(directory, DataSplit.Train).Take(1024);
        Standardizer.Fit(train).Apply(train);
        return train;
    }

    /// <summary>Checks the runtime really runs the path the setting asks for, so a pass cannot silently test the default.</summary>
    private static void AssertSettingTookEffect(string? setting)
    {
        switch (setting)
        {
            case "DOTNET_EnableAVX512F=0":
                Assert.False(Vector512.IsHardwareAccelerated, "AVX-512 is still on");
                Assert.NotEqual(GemmPath.Vector512, Gemm.DefaultPath);
                break;
            case "DOTNET_EnableAVX2=0":
                Assert.False(Avx2.IsSupported, "AVX2 is still on");
                Assert.False(Vector256.IsHardwareAccelerated, "Vector256 is still accelerated");
                Assert.Equal(GemmPath.Vector128, Gemm.DefaultPath);
                Assert.Equal(SimdWidth.Vector128, SimdPath.Hardware);
                break;
            case "DOTNET_PreferredVectorBitWidth=128":
                Assert.False(Vector256.IsHardwareAccelerated, "Vector256 is still accelerated");
                Assert.Equal(GemmPath.Vector128, Gemm.DefaultPath);
                Assert.Equal(SimdWidth.Vector128, SimdPath.Hardware);
                break;
            default:
                Assert.Fail($"unknown DESCENT_PATHS_SETTING '{setting}'");
                break;
        }
    }

    private static string PathDescription() =>
        $"kernels {SimdPath.Hardware}, GEMM {Gemm.DefaultPath}; Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, " +
        $"AVX2 {Avx2.IsSupported}, FMA {Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported}, {System.Runtime.InteropServices.RuntimeInformation.ProcessArchitecture}";

    private static GemmPath GemmPathFor(SimdWidth width)
    {
        using (SimdPath.Force(width)) return Gemm.ActivePath;
    }

    private static void AssertSame(SortedDictionary<string, string> expected, SortedDictionary<string, string> actual, string context)
    {
        Assert.Equal(expected.Keys, actual.Keys);
        var different = expected.Keys.Where(k => expected[k] != actual[k]).ToList();
        Assert.True(different.Count == 0, $"{context}: different bits in {string.Join(", ", different)}");
    }
}
