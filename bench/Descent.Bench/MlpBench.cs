using System.Diagnostics;
using System.Globalization;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Tensors;
using Descent.Threading;

namespace Descent.Bench;

/// <summary>
/// One epoch of the 784-512-256-10 MLP on Fashion-MNIST (batch 128, SGD momentum 0.9): samples/s, the time and
/// GFLOP/s of each GEMM shape a training step runs, and — when Debian's python3-torch is installed — the same epoch
/// in PyTorch 1.13 measured in the same run, with the ratio.
/// </summary>
public static class MlpBench
{
    private static readonly (string Role, bool TransA, bool TransB, int M, int N, int K)[] Shapes =
    [
        ("fc1 forward  x·W1ᵀ", false, true, 128, 512, 784),
        ("fc2 forward  h·W2ᵀ", false, true, 128, 256, 512),
        ("fc3 forward  h·W3ᵀ", false, true, 128, 10, 256),
        ("fc3 dW  gᵀ·h", true, false, 10, 256, 128),
        ("fc3 dx  g·W3", false, false, 128, 256, 10),
        ("fc2 dW  gᵀ·h", true, false, 256, 512, 128),
        ("fc2 dx  g·W2", false, false, 128, 512, 256),
        ("fc1 dW  gᵀ·x", true, false, 512, 784, 128),
    ];

    public static void Run(TextWriter output, string? dataDirectory, int threads)
    {
        ComputeThreads.Count = threads;
        output.WriteLine($"MLP 784-512-256-10, Fashion-MNIST, batch 128, SGD lr 0.05 momentum 0.9, {threads} threads");
        var problem = ProblemCatalog.Get("fmnist-mlp");
        var data = problem.LoadData(dataDirectory);
        var sgd = OptimizerSpec.Sgd(0.05, momentum: 0.9);

        var warmup = new Trainer(problem, data, sgd, new TrainingOptions { Epochs = 1, TrainLimit = 128 * 50, TestLimit = 1000 });
        warmup.Run();
        var trainer = new Trainer(problem, data, sgd, new TrainingOptions { Epochs = 1 });
        long allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        int gen0Before = GC.CollectionCount(0), gen2Before = GC.CollectionCount(2);
        var result = trainer.Run()[^1];
        long allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        output.WriteLine(F($"descent  epoch {result.Seconds:F3} s  {result.SamplesPerSecond:F0} samples/s  test accuracy {result.TestAccuracy:P2}"));
        output.WriteLine(F($"memory   {allocated / (double)trainer.BatchesPerEpoch / 1024:F1} KiB allocated per step (epoch and evaluation), {GC.CollectionCount(0) - gen0Before} gen0 / {GC.CollectionCount(2) - gen2Before} gen2 collections in the epoch"));

        if (TorchEpochSeconds(dataDirectory, output) is double torch)
            output.WriteLine(F($"ratio    PyTorch epoch time / Descent epoch time = {torch / result.Seconds:F2} (> 1: Descent is faster)"));

        output.WriteLine();
        output.WriteLine("GEMM shapes of one training step (median of 50 calls):");
        output.WriteLine($"{"role",-22} {"op",-6} {"m",5} {"n",5} {"k",5} {"µs",9} {"GFLOP/s",9}");
        double totalMicros = 0;
        foreach (var s in Shapes)
        {
            double micros = TimeGemm(s.TransA, s.TransB, s.M, s.N, s.K);
            totalMicros += micros;
            string op = (s.TransA ? "Aᵀ" : "A") + "·" + (s.TransB ? "Bᵀ" : "B");
            output.WriteLine(F($"{s.Role,-22} {op,-6} {s.M,5} {s.N,5} {s.K,5} {micros,9:F1} {2.0 * s.M * s.N * s.K / micros / 1e3,9:F1}"));
        }
        output.WriteLine(F($"GEMM time per step {totalMicros / 1000:F3} ms; × {trainer.BatchesPerEpoch} steps = {totalMicros * trainer.BatchesPerEpoch / 1e6:F3} s of the epoch"));
    }

    private static double TimeGemm(bool transA, bool transB, int m, int n, int k)
    {
        var rng = new Rng(1);
        var a = Tensor.Uniform(rng, -1, 1, m * k).Span.ToArray();
        var b = Tensor.Uniform(rng, -1, 1, k * n).Span.ToArray();
        var c = new float[m * n];
        int lda = transA ? m : k, ldb = transB ? k : n;
        for (int i = 0; i < 20; i++) Gemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
        var samples = new double[50];
        for (int i = 0; i < samples.Length; i++)
        {
            long start = Stopwatch.GetTimestamp();
            Gemm.Multiply(transA, transB, m, n, k, 1f, a, lda, b, ldb, 0f, c, n);
            samples[i] = Stopwatch.GetElapsedTime(start).TotalMicroseconds;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    /// <summary>Runs the PyTorch twin when /usr/bin/python3 has torch; null (with a note) otherwise.</summary>
    private static double? TorchEpochSeconds(string? dataDirectory, TextWriter output)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "reference", "torch_mlp_epoch.py");
        if (!File.Exists("/usr/bin/python3") || !File.Exists(script))
        {
            output.WriteLine("pytorch  skipped: /usr/bin/python3 or the reference script is missing (apt-get install python3-torch)");
            return null;
        }
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(dataDirectory ?? "/usr/share/datasets/fashion-mnist");
        info.ArgumentList.Add("1");
        using var process = Process.Start(info)!;
        string text = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var field = text.Split(' ', '\n').FirstOrDefault(t => t.StartsWith("epoch_seconds=", StringComparison.Ordinal));
        if (process.ExitCode != 0 || field is null)
        {
            output.WriteLine($"pytorch  skipped: the reference script failed: {errors.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        output.WriteLine($"pytorch  {text.Trim()}  (torch 1 thread, OpenBLAS threads itself)");
        return double.Parse(field["epoch_seconds=".Length..], CultureInfo.InvariantCulture);
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
