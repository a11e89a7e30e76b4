using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Descent.Lab.Compare;
using Descent.Lab.Surfaces;
using Descent.Lab.Tuning;

namespace Descent.Bench;

/// <summary>
/// The study store under parallel workers: a study of N trials (default 200) on a cheap 2-D surface — SGD with a
/// sampled learning rate and momentum on the ill-conditioned quadratic, 4 epochs of 25 steps, TPE and ASHA — run by
/// W worker processes (default 8) against SQLite and against PostgreSQL. Prints the time each trial spent in store
/// calls (claim, reports with the pruner's reads, heartbeats, result; lock waits included): median and 95th
/// percentile, each worker's first trial (connection set-up, JIT) shown apart; then checks that no worker failed or
/// met a lock error and that no trial was lost, created twice, left unfinished or retried.
/// </summary>
/// <remarks>
/// PostgreSQL: <c>--postgres URL</c> uses a server (an empty database: the study is created in it), else the
/// benchmark starts a throwaway cluster (initdb + pg_ctl from Debian's postgresql package, fsync on) in a temporary
/// directory and removes it at the end. The workers get the store's URL through the environment.
/// </remarks>
public static class TuneStoreBench
{
    private const string StoreVariable = "DESCENT_BENCH_TUNE_STORE";
    private const int Epochs = 4, StepsPerEpoch = 25;

    /// <summary>The study every run uses (its problem name is a label: the trials run <see cref="SurfaceTrial"/>).</summary>
    private static StudyDefinition Study(int trials) => StudyFile.Parse(YamlDocument.Parse($"""
        name: tune-store-bench
        problem: quadratic-deep
        epochs: {Epochs}
        objective: {"{"} metric: test_loss {"}"}
        optimizer: sgd
        space:
          lr: {"{"} log_uniform: [1e-4, 2e-2] {"}"}
          momentum: {"{"} uniform: [0, 0.95] {"}"}
        sampler: tpe
        pruner: asha
        trials: {trials}
        """), "tune-store-bench");

    /// <summary>Runs the benchmark; returns 0 when every check held on every store.</summary>
    /// <param name="output">Where the results go.</param>
    /// <param name="trials">Trials of the study.</param>
    /// <param name="workers">Worker processes.</param>
    /// <param name="stores">"sqlite", "postgres" or "both".</param>
    /// <param name="postgresUrl">A PostgreSQL server to use, or null to start a throwaway cluster.</param>
    public static int Run(TextWriter output, int trials, int workers, string stores, string? postgresUrl)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(trials, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 1);
        if (stores is not ("sqlite" or "postgres" or "both")) throw new ArgumentException($"--store must be sqlite, postgres or both (got '{stores}')");
        output.WriteLine($"study store overhead: {trials} trials (SGD on the 2-D ill-conditioned quadratic, {Epochs} epochs of {StepsPerEpoch} steps, TPE + ASHA), {workers} worker processes, {Environment.ProcessorCount} cores");
        bool ok = true;
        string dir = Path.Combine(Path.GetTempPath(), "descent-bench-tune-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            if (stores is "sqlite" or "both")
                ok &= RunStore(output, "SQLite", "sqlite:///" + Path.Combine(dir, "study.db"), trials, workers);
            if (stores is "postgres" or "both")
            {
                if (postgresUrl is not null) ok &= RunStore(output, "PostgreSQL", postgresUrl, trials, workers);
                else
                {
                    using var cluster = ThrowawayPostgres.Start(Path.Combine(dir, "pg"));
                    ok &= RunStore(output, $"PostgreSQL {cluster.Version} (throwaway cluster, fsync on)", cluster.Url, trials, workers);
                }
            }
        }
        finally
        {
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
        output.WriteLine(ok ? "all checks passed" : "SOME CHECKS FAILED");
        return ok ? 0 : 1;
    }

    private static bool RunStore(TextWriter output, string label, string url, int trials, int workers)
    {
        var study = Study(trials);
        long id;
        using (var storage = StorageUrl.Open(url))
        {
            if (storage.FindStudy(study.Name) is not null) throw new InvalidOperationException($"{storage.DisplayUrl} already holds study '{study.Name}': give an empty database");
            id = storage.CreateOrJoin(study);
        }
        var clock = Stopwatch.StartNew();
        var processes = Enumerable.Range(0, workers).Select(_ => StartWorker(url, trials)).ToList();
        var outputs = processes.Select(p => (Out: p.StandardOutput.ReadToEndAsync(), Err: p.StandardError.ReadToEndAsync())).ToList();
        foreach (var p in processes) p.WaitForExit();
        double wall = clock.Elapsed.TotalSeconds;

        var steady = new List<double>();
        var first = new List<double>();
        int ended = 0;
        var problems = new List<string>();
        for (int w = 0; w < workers; w++)
        {
            string stdout = outputs[w].Out.Result, stderr = outputs[w].Err.Result;
            if (processes[w].ExitCode != 0) problems.Add($"worker {w} exited with {processes[w].ExitCode}: {stderr.Trim()}");
            if ((stdout + stderr).Contains("locked", StringComparison.OrdinalIgnoreCase)) problems.Add($"worker {w} met a lock error");
            var line = stdout.Split('\n').FirstOrDefault(l => l.StartsWith("RESULT ", StringComparison.Ordinal));
            if (line is null) { problems.Add($"worker {w} printed no result"); continue; }
            var result = JsonNode.Parse(line["RESULT ".Length..])!.AsObject();
            ended += (int)result["trials"]!;
            var times = result["per_trial_ms"]!.AsArray().Select(v => (double)v!).ToList();
            if (times.Count > 0) first.Add(times[0]);
            steady.AddRange(times.Skip(1));
            processes[w].Dispose();
        }
        using (var storage = StorageUrl.Open(url))
        {
            var stored = storage.Trials(id, withIntermediate: false);
            if (!stored.Select(t => t.Number).SequenceEqual(Enumerable.Range(0, trials)))
                problems.Add($"trial numbers are not 0 … {trials - 1}: {stored.Count} trials stored");
            if (stored.Count(t => t.State.IsFinished()) != trials) problems.Add($"{trials - stored.Count(t => t.State.IsFinished())} trial(s) unfinished");
            if (stored.Any(t => t.Attempt != 1)) problems.Add($"{stored.Count(t => t.Attempt != 1)} trial(s) claimed more than once");
            if (ended != trials) problems.Add($"the workers ended {ended} trials, not {trials}");
            output.WriteLine();
            output.WriteLine($"{label} ({storage.DisplayUrl})");
            output.WriteLine(F($"  {trials} trials in {wall:F1} s: {stored.Count(t => t.State == TrialState.Complete)} complete, {stored.Count(t => t.State == TrialState.Pruned)} pruned, {stored.Count(t => t.State == TrialState.Failed)} failed"));
        }
        steady.Sort();
        if (steady.Count > 0)
            output.WriteLine(F($"  store time per trial: median {Percentile(steady, 0.5):F2} ms, p95 {Percentile(steady, 0.95):F2} ms, max {steady[^1]:F2} ms over {steady.Count} trials"));
        if (first.Count > 0)
            output.WriteLine(F($"  each worker's first trial (connection, JIT): mean {first.Average():F1} ms"));
        output.WriteLine(problems.Count == 0 ? "  checks: no lock error, no worker failed, no trial lost, duplicated, unfinished or retried"
            : "  CHECKS FAILED: " + string.Join("; ", problems));
        return problems.Count == 0;
    }

    /// <summary>The worker process: <c>tune-store-worker</c>, the store's URL in the environment; prints one RESULT line of JSON.</summary>
    public static int Worker(TextWriter output, int trials)
    {
        string url = Environment.GetEnvironmentVariable(StoreVariable) ?? throw new InvalidOperationException($"{StoreVariable} is not set");
        var study = Study(trials);
        using var storage = StorageUrl.Open(url);
        long id = storage.FindStudy(study.Name)?.Id ?? throw new InvalidOperationException($"no study '{study.Name}' in {storage.DisplayUrl}");
        var surface = SurfaceCatalog.Get("quadratic");
        var worker = new Worker(storage, study, id, (trial, epochDone, abandon) => SurfaceTrial(study, surface, trial, epochDone, abandon));
        var summary = worker.Run();
        var json = new JsonObject
        {
            ["trials"] = summary.Trials,
            ["store_seconds"] = summary.StoreSeconds,
            ["per_trial_ms"] = new JsonArray([.. summary.PerTrialMilliseconds.Select(v => (JsonNode)v)]),
        };
        output.WriteLine("RESULT " + json.ToJsonString());
        return 0;
    }

    /// <summary>A trial: the sampled optimizer on the surface for <see cref="Epochs"/> × <see cref="StepsPerEpoch"/> steps, the surface's value after each epoch.</summary>
    private static TrialOutcome SurfaceTrial(StudyDefinition study, Surface surface, TrialRecord trial, Func<int, double, bool> epochDone, Func<bool> abandon)
    {
        var path = SurfaceDescent.Run(surface, new OptimizerEntry("trial", study.Space.OptimizerFor(trial.Params)), Epochs * StepsPerEpoch);
        double value = double.NaN;
        for (int epoch = 1; epoch <= Epochs; epoch++)
        {
            if (abandon()) return new TrialOutcome(TrialState.Running, null, "abandoned");
            int step = epoch * StepsPerEpoch;
            value = step < path.Values.Count ? path.Values[step] : path.End == PathEnd.Completed ? path.Values[^1] : double.NaN;
            if (!double.IsFinite(value)) return new TrialOutcome(TrialState.Failed, null, $"the path {path.End.ToString().ToLowerInvariant()} before epoch {epoch}");
            if (epochDone(epoch, value)) return new TrialOutcome(TrialState.Pruned, value, $"pruned after epoch {epoch}");
        }
        return new TrialOutcome(TrialState.Complete, value, null);
    }

    private static Process StartWorker(string url, int trials)
    {
        string exe = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        if (Path.GetFileNameWithoutExtension(exe) == "dotnet") info.ArgumentList.Add(typeof(TuneStoreBench).Assembly.Location);
        info.ArgumentList.Add("tune-store-worker");
        info.ArgumentList.Add("--trials");
        info.ArgumentList.Add(trials.ToString(CultureInfo.InvariantCulture));
        info.Environment[StoreVariable] = url;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start a worker process");
    }

    private static double Percentile(List<double> sorted, double q) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(q * sorted.Count) - 1)];

    private static string F(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// A PostgreSQL cluster in a temporary directory: initdb + pg_ctl from Debian's packages, listening on a free port
    /// of 127.0.0.1, run as the "postgres" user when this process is root (PostgreSQL refuses root). Stopped and
    /// deleted on dispose.
    /// </summary>
    private sealed class ThrowawayPostgres : IDisposable
    {
        private readonly string _dir, _bin;
        private readonly bool _asPostgres;

        private ThrowawayPostgres(string dir, string bin, bool asPostgres, string url, string version)
        {
            _dir = dir;
            _bin = bin;
            _asPostgres = asPostgres;
            Url = url;
            Version = version;
        }

        public string Url { get; }

        public string Version { get; }

        public static ThrowawayPostgres Start(string dir)
        {
            string bin = (Directory.Exists("/usr/lib/postgresql") ? Directory.GetDirectories("/usr/lib/postgresql").OrderDescending()
                    .Select(d => Path.Combine(d, "bin")).FirstOrDefault(b => File.Exists(Path.Combine(b, "initdb"))) : null)
                ?? throw new InvalidOperationException("PostgreSQL is not installed (apt-get install postgresql, or scripts/setup.sh), or pass --postgres URL");
            bool root = Environment.UserName == "root";
            Directory.CreateDirectory(dir);
            if (root) Run("chown", "postgres", dir);
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            int port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var cluster = new ThrowawayPostgres(dir, bin, root, $"postgresql://bench:bench@127.0.0.1:{port}/postgres", Path.GetFileName(Path.GetDirectoryName(bin))!);
            string data = Path.Combine(dir, "data");
            cluster.Pg("initdb", "-D", data, "-A", "trust", "-U", "bench", "--no-sync", "-E", "UTF8");
            cluster.Pg("pg_ctl", "-D", data, "-l", Path.Combine(dir, "log"), "-w", "-t", "60", "-o", $"-p {port} -k {dir} -c listen_addresses=127.0.0.1", "start");
            return cluster;
        }

        private void Pg(string tool, params string[] args)
        {
            if (_asPostgres) Run("runuser", ["-u", "postgres", "--", Path.Combine(_bin, tool), .. args]);
            else Run(Path.Combine(_bin, tool), args);
        }

        private static void Run(string exe, params string[] args)
        {
            var info = new ProcessStartInfo(exe) { UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = "/" };
            foreach (var a in args) info.ArgumentList.Add(a);
            using var p = Process.Start(info) ?? throw new InvalidOperationException($"could not start {exe}");
            var stdout = p.StandardOutput.ReadToEndAsync();
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {err} {stdout.Result}");
        }

        public void Dispose()
        {
            try { Pg("pg_ctl", "-D", Path.Combine(_dir, "data"), "-m", "fast", "-w", "stop"); }
            catch (InvalidOperationException) { }
        }
    }
}
