using System.Diagnostics;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Descent.Nn;
using Descent.Optim;
using Descent.Optim.Kernels;
using Descent.Simd;
using Descent.Tensors;
using Descent.Threading;

namespace Descent.Bench;

/// <summary>
/// One optimizer step on a single tensor of 10M parameters, for every optimizer: the median step time, the memory
/// traffic it implies, and the share of a bandwidth probe measured in the same run that streams the same bytes per
/// parameter with the same threading; then, when Debian's python3-torch is installed, PyTorch 1.13's for-loop and
/// foreach steps on the same size, with the ratios.
/// </summary>
/// <remarks>
/// Bytes per parameter are counted from the state after warm-up: the update reads θ, g and every float buffer
/// once and writes θ and every buffer once, so 4·(2 + B) + 4·(1 + B) bytes for B buffers (SGD 12, SGD momentum 20,
/// Adam 28). The probe reads one array and reads-and-writes 1 + B others of the same size, vectorized, split by
/// <see cref="ElementwiseChunks"/> as the optimizer kernels are. Optimizer steps and probe passes alternate, and
/// "% of probe" is the median over the pairs of probe time / step time, so a host that is busy for a while slows
/// both members of a pair alike; 100% means the step moves its bytes as fast as the probe. The steps run with
/// <see cref="NonFinitePolicy.Propagate"/>, as PyTorch does; the default policy's gradient scan is timed apart.
/// Dispatch: <c>case "optim": OptimizerBench.Run(Console.Out, labels); return 0;</c>.
/// </remarks>
public static class OptimizerBench
{
    private const int N = 10_000_000;
    private const int WarmupSteps = 3, TimedSteps = 15;

    /// <summary>A benchmarked step: the optimizer, its options and the parameter's shape (one 10M vector unless given).</summary>
    private sealed record Case(string Label, string Name, Dictionary<string, object> Options, int[]? Shape = null);

    /// <summary>The matrix shape of the 2-D cases: Muon orthogonalizes whole matrices, Adafactor factors them.</summary>
    private static readonly int[] Matrix = [1000, N / 1000];

    private static readonly Case[] Cases =
    [
        new("SGD", "SGD", new() { ["lr"] = 0.01 }),
        new("SGD momentum", "SGD", new() { ["lr"] = 0.01, ["momentum"] = 0.9 }),
        new("Adam", "Adam", []),
        new("Adam amsgrad", "Adam", new() { ["amsgrad"] = true }),
        new("AdamW", "AdamW", []),
        new("Adamax", "Adamax", []),
        new("NAdam", "NAdam", []),
        new("RAdam", "RAdam", []),
        new("Adam 2-D", "Adam", [], Matrix),
        new("Muon 2-D", "Muon", [], Matrix),
        new("Adafactor 2-D", "Adafactor", [], Matrix),
        // a model-sized parameter set whose step fits in the last-level cache (16 MB for Adam), where the scan is cheap
        new("SGD momentum 1M", "SGD", new() { ["lr"] = 0.01, ["momentum"] = 0.9 }, [1_000_000]),
        new("Adam 1M", "Adam", [], [1_000_000]),
    ];

    public static void Run(TextWriter output, IReadOnlyCollection<string>? only = null)
    {
        output.WriteLine(F($"Optimizer step, one tensor of {N:N0} float32 parameters, {ComputeThreads.Count} compute threads, {SimdPath.Width} path (Vector512 {On(Vector512.IsHardwareAccelerated)}, AVX2 {On(Avx2.IsSupported)}, AdvSimd {On(AdvSimd.IsSupported)}); median of {TimedSteps} steps after {WarmupSteps}"));
        if (File.Exists("/proc/loadavg")) output.WriteLine($"load average at start: {File.ReadAllText("/proc/loadavg").Trim()}");
        var cases = Cases.ToList();
        foreach (var name in OptimizerCatalog.Names)
            if (!cases.Any(c => c.Shape is null && string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase)))
                cases.Add(new(name, name, new() { ["lr"] = 1e-3 }));
        if (only is { Count: > 0 }) cases = cases.Where(c => only.Contains(c.Label, StringComparer.OrdinalIgnoreCase)).ToList();

        var rng = new Rng(1);
        var grad = Tensor.Normal(rng, 0, 0.01f, N);
        var probes = new Dictionary<int, Probe>();
        var ours = new Dictionary<string, double>();
        output.WriteLine($"{"optimizer",-14} {"bytes/param",11} {"ms",8} {"GB/s",7} {"probe ms",9} {"probe GB/s",10} {"% of probe",10}");
        foreach (var c in cases)
        {
            var weights = Tensor.Uniform(rng, -1, 1, c.Shape ?? [N]);
            weights.RequiresGrad = true;
            weights.Grad = c.Shape is not { } shape ? grad
                : shape.Aggregate(1, (a, b) => a * b) == N ? grad.Reshape(shape) : Tensor.Normal(rng, 0, 0.01f, shape);
            var parameter = new NamedParameter("w", weights);
            Optimizer optimizer;
            try
            {
                optimizer = Build(c, parameter);
                optimizer.NonFinitePolicy = NonFinitePolicy.Propagate;
                for (int i = 0; i < WarmupSteps; i++) optimizer.Step();
            }
            catch (Exception e) when (e is ArgumentException or InvalidOperationException or NotSupportedException)
            {
                output.WriteLine($"{c.Label,-14} skipped: {e.Message}");
                continue;
            }
            int buffers = (int)Math.Round(optimizer.StateOf("w").Buffers.Values.Sum(b => (double)b.Length) / weights.Length);
            int bytes = 4 * (2 + buffers) + 4 * (1 + buffers);
            if (!probes.TryGetValue(buffers * 1000 + weights.Length / 1_000_000, out var probe))
                probes[buffers * 1000 + weights.Length / 1_000_000] = probe = new Probe(buffers, weights.Length);
            // optimizer steps and probe passes alternate, so a busy host slows both alike
            var (ms, probeMs, ratio) = MedianPair(() => optimizer.Step(), probe.Run);
            ours[c.Label] = ms;
            output.WriteLine(F($"{c.Label,-14} {bytes,11} {ms,8:F2} {GBps(bytes, ms),7:F1} {probeMs,9:F2} {GBps(bytes, probeMs),10:F1} {100 * ratio,9:F0}%"));
            if (c.Label is "SGD momentum" or "Adam" or "SGD momentum 1M" or "Adam 1M")
            {
                // the default policy's scan of g before the step, timed against the unchecked step in alternation
                // the same optimizer and buffers, its policy switched between the members of each pair
                var (checkedMs, uncheckedMs, overhead) = MedianPair(
                    () => { optimizer.NonFinitePolicy = NonFinitePolicy.Throw; optimizer.Step(); },
                    () => { optimizer.NonFinitePolicy = NonFinitePolicy.Propagate; optimizer.Step(); });
                output.WriteLine(F($"{"",-14} with the default NonFinitePolicy.Throw (a scan of g before the step): {checkedMs:F2} ms against {uncheckedMs:F2} ms, +{100 * (1 / overhead - 1):F0}%"));
            }
        }
        Torch(output, ours);
    }

    private static string On(bool on) => on ? "on" : "off";

    private static Optimizer Build(Case c, NamedParameter parameter) =>
        OptimizerCatalog.Contains(c.Name)
            ? OptimizerCatalog.Create(c.Name, [parameter], new TorchOptions(c.Options))
            : throw new ArgumentException($"'{c.Name}' is not in the optimizer catalog");

    /// <summary>
    /// The medians of <paramref name="a"/> and <paramref name="b"/> timed alternately after warm-up, and the median
    /// of the ratios b/a of each pair, which a busy host, slowing both members of a pair alike, disturbs least.
    /// </summary>
    private static (double A, double B, double Ratio) MedianPair(Action a, Action b)
    {
        for (int i = 0; i < WarmupSteps; i++) { a(); b(); }
        var samplesA = new double[TimedSteps];
        var samplesB = new double[TimedSteps];
        for (int i = 0; i < TimedSteps; i++)
        {
            long start = Stopwatch.GetTimestamp();
            a();
            samplesA[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            start = Stopwatch.GetTimestamp();
            b();
            samplesB[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        var ratios = samplesB.Zip(samplesA, (y, x) => y / x).Order().ToArray();
        Array.Sort(samplesA);
        Array.Sort(samplesB);
        return (samplesA[TimedSteps / 2], samplesB[TimedSteps / 2], ratios[TimedSteps / 2]);
    }

    private static double GBps(int bytesPerParam, double ms) => (double)bytesPerParam * N / (ms * 1e6);

    /// <summary>
    /// The bandwidth probe for an optimizer with B state buffers: one read-only array (the gradient) and 1 + B arrays
    /// (θ and the buffers) each read and written once, x ← x + g, on arrays allocated as tensors are, split across
    /// the compute threads exactly as the optimizer kernels are.
    /// </summary>
    private sealed unsafe class Probe
    {
        private readonly float[] _source;
        private readonly float[][] _targets;
        private readonly ProbeChunk _body;

        public Probe(int buffers, int n)
        {
            // allocated as tensors are (large-object heap) and pinned in place, which the LOH never moves anyway
            _source = new float[n];
            _targets = Enumerable.Range(0, 1 + buffers).Select(_ => new float[n]).ToArray();
            _source.AsSpan().Fill(1e-7f);
            foreach (var a in _targets.Append(_source)) GCHandle.Alloc(a, GCHandleType.Pinned);
            _body = new ProbeChunk((float*)Unsafe.AsPointer(ref _source[0]), _targets.Select(a => (nint)Unsafe.AsPointer(ref a[0])).ToArray());
        }

        public void Run() => ElementwiseChunks.Run(_source.Length, _body);
    }

    /// <summary>
    /// x ← x + g over each target, on the widest vector width the optimizer kernels use here; every target is loaded
    /// before any is stored, as an optimizer does.
    /// </summary>
    private readonly unsafe struct ProbeChunk(float* source, nint[] targets) : IChunkKernel
    {
        public void Run(int start, int length)
        {
            int i = SimdPath.Width switch
            {
                SimdWidth.Vector512 => Sweep<Lanes512>(start, start + length),
                SimdWidth.Vector256 => Sweep<Lanes256>(start, start + length),
                SimdWidth.Vector128 => Sweep<Lanes128>(start, start + length),
                _ => start,
            };
            for (; i < start + length; i++)
                foreach (var t in targets) ((float*)t)[i] += source[i];
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private int Sweep<L>(int i, int end) where L : struct, ILanes<L>
        {
            int count = targets.Length;
            float* t0 = (float*)targets[0];
            float* t1 = count > 1 ? (float*)targets[1] : t0, t2 = count > 2 ? (float*)targets[2] : t0, t3 = count > 3 ? (float*)targets[3] : t0;
            for (; i <= end - L.Count; i += L.Count)
            {
                var g = L.Load(source + i);
                var x0 = L.Load(t0 + i);
                var x1 = count > 1 ? L.Load(t1 + i) : default;
                var x2 = count > 2 ? L.Load(t2 + i) : default;
                var x3 = count > 3 ? L.Load(t3 + i) : default;
                (x0 + g).Store(t0 + i);
                if (count > 1) (x1 + g).Store(t1 + i);
                if (count > 2) (x2 + g).Store(t2 + i);
                if (count > 3) (x3 + g).Store(t3 + i);
                for (int k = 4; k < count; k++) (L.Load((float*)targets[k] + i) + g).Store((float*)targets[k] + i);
            }
            return i;
        }
    }

    /// <summary>Runs the PyTorch twin and prints its times and the ratios; a note instead when torch is missing.</summary>
    private static void Torch(TextWriter output, Dictionary<string, double> ours)
    {
        output.WriteLine();
        string script = Path.Combine(AppContext.BaseDirectory, "reference", "torch_optim_step.py");
        if (!File.Exists("/usr/bin/python3") || !File.Exists(script))
        {
            output.WriteLine("pytorch  skipped: /usr/bin/python3 or the reference script is missing (apt-get install python3-torch)");
            return;
        }
        var info = new ProcessStartInfo("/usr/bin/python3") { RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(script);
        info.ArgumentList.Add(N.ToString(CultureInfo.InvariantCulture));
        info.ArgumentList.Add(ComputeThreads.Count.ToString(CultureInfo.InvariantCulture));
        using var process = Process.Start(info)!;
        var errors = process.StandardError.ReadToEndAsync();
        string text = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        // lines: optimizer=Adam_amsgrad foreach=0 ms=41.234
        var torch = new Dictionary<(string, bool), double>();
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var fields = line.Split(' ').Select(f => f.Split('=', 2)).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
            if (fields.TryGetValue("optimizer", out var name) && fields.TryGetValue("foreach", out var fe) && fields.TryGetValue("ms", out var ms))
                torch[(name.Replace('_', ' '), fe == "1")] = double.Parse(ms, CultureInfo.InvariantCulture);
        }
        if (process.ExitCode != 0 || torch.Count == 0)
        {
            output.WriteLine($"pytorch  skipped: the reference script failed: {errors.Result.Trim().Split('\n').LastOrDefault()}");
            return;
        }
        output.WriteLine($"PyTorch 1.13 on the same size, torch.set_num_threads({ComputeThreads.Count}) (bench/reference/torch_optim_step.py):");
        output.WriteLine($"{"optimizer",-14} {"Descent ms",10} {"for-loop ms",11} {"foreach ms",10} {"for-loop/Descent",16} {"foreach/Descent",15}");
        foreach (var (label, ms) in ours)
        {
            string Cell(bool fe, int width) => torch.TryGetValue((label, fe), out var t) ? t.ToString("F2", CultureInfo.InvariantCulture).PadLeft(width) : "-".PadLeft(width);
            string Ratio(bool fe, int width) => torch.TryGetValue((label, fe), out var t) ? (t / ms).ToString("F2", CultureInfo.InvariantCulture).PadLeft(width - 1) + "×" : "-".PadLeft(width);
            output.WriteLine(F($"{label,-14} {ms,10:F2} {Cell(false, 11)} {Cell(true, 10)} {Ratio(false, 16)} {Ratio(true, 15)}"));
        }
    }

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
