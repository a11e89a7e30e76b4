using System.Diagnostics;
using System.Globalization;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Threading;

namespace Descent.Bench;

/// <summary>
/// Training speed of DeepOBS's fmnist_2c2d network (batch 128, SGD lr 0.05 momentum 0.9): the time of N training
/// steps after a warm-up, the epoch time that implies (469 steps), and — when Debian's python3-torch is installed —
/// the same steps in PyTorch 1.13 with 2 threads measured in the same run, with the ratio.
/// </summary>
public static class ConvBench
{
    /// <summary>Steps in one epoch of 60,000 samples at batch 128.</summary>
    private const int StepsPerEpoch = 469;

    /// <summary>Runs the benchmark: <paramref name="batches"/> timed steps (default 50) on <see cref="ComputeThreads.Count"/> threads.</summary>
    public static void Run(TextWriter output, string? dataDirectory) => Run(output, dataDirectory, batches: 50);

    /// <inheritdoc cref="Run(TextWriter, string?)"/>
    public static void Run(TextWriter output, string? dataDirectory, int batches)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batches);
        output.WriteLine($"fmnist-2c2d (DeepOBS 2c2d), batch 128, SGD lr 0.05 momentum 0.9, {ComputeThreads.Count} threads, {batches} timed steps");
        var problem = ProblemCatalog.Get("fmnist-2c2d");
        var data = problem.LoadData(dataDirectory);
        var sgd = OptimizerSpec.Sgd(0.05, momentum: 0.9);

        var warmup = new Trainer(problem, data, sgd, new TrainingOptions { Epochs = 1, TrainLimit = 128 * 5, TestLimit = 100 });
        warmup.Run();

        var seconds = new List<double>();
        for (int repeat = 0; repeat < 3; repeat++)
        {
            var trainer = new Trainer(problem, data, sgd, new TrainingOptions { Epochs = 1, TrainLimit = 128 * batches, TestLimit = 100, Seed = (ulong)repeat });
            // Allocation is counted from step 5 (the arena is full by then) to the last step.
            int from = Math.Min(5, batches - 1);
            long allocatedFrom = 0, allocatedTo = 0;
            var result = trainer.Run(new TrainingCallbacks
            {
                OnStep = (_, step) =>
                {
                    if (step.Batch == from) allocatedFrom = GC.GetTotalAllocatedBytes(precise: true);
                    if (step.Batch == batches) allocatedTo = GC.GetTotalAllocatedBytes(precise: true);
                },
            })[^1];
            double perStep = result.Seconds / batches;
            seconds.Add(perStep);
            string allocation = batches > from && from > 0 ? F($"{(allocatedTo - allocatedFrom) / (double)(batches - from) / 1024:F1} KiB allocated per step after warm-up") : "";
            output.WriteLine(F($"descent  run {repeat + 1}: {perStep * 1000:F1} ms/step  {128 / perStep:F0} samples/s  epoch est {perStep * StepsPerEpoch:F1} s  {allocation}"));
        }
        seconds.Sort();
        double median = seconds[seconds.Count / 2];
        output.WriteLine(F($"descent  median {median * 1000:F1} ms/step, epoch est {median * StepsPerEpoch:F1} s"));

        if (TorchStepSeconds(dataDirectory, batches, output) is double torch)
            output.WriteLine(F($"ratio    PyTorch step time / Descent step time = {torch / median:F2} (> 1: Descent is faster)"));
    }

    /// <summary>Runs the PyTorch twin with 2 threads when /usr/bin/python3 has torch; null (with a note) otherwise.</summary>
    private static double? TorchStepSeconds(string? dataDirectory, int batches, TextWriter output)
    {
        string script = Path.Combine(AppContext.BaseDirectory, "reference", "torch_2c2d_batches.py");
        if (!File.Exists("/usr/bin/python3") || !File.Exists(script))
        {
            output.WriteLine("pytorch  skipped: /usr/bin/python3 or the reference script is missing (apt-get install python3-torch)");
            return null;
        }
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add("2");
        info.ArgumentList.Add(batches.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(dataDirectory ?? "/usr/share/datasets/fashion-mnist");
        using var process = Process.Start(info)!;
        string text = process.StandardOutput.ReadToEnd();
        string errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        var field = text.Split(' ', '\n').FirstOrDefault(t => t.StartsWith("batch_seconds=", StringComparison.Ordinal));
        if (process.ExitCode != 0 || field is null)
        {
            output.WriteLine($"pytorch  skipped: the reference script failed: {errors.Trim().Split('\n').LastOrDefault()}");
            return null;
        }
        double perStep = double.Parse(field["batch_seconds=".Length..], CultureInfo.InvariantCulture);
        output.WriteLine(F($"pytorch  {perStep * 1000:F1} ms/step, epoch est {perStep * StepsPerEpoch:F1} s  (torch 1.13, 2 threads: {text.Trim()})"));
        return perStep;
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
