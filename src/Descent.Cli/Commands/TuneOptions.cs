using System.CommandLine;
using System.Diagnostics;
using System.Globalization;
using Descent.Lab.Tuning;

namespace Descent.Cli.Commands;

/// <summary>The options the tune commands share: the store, the study and the lease policy.</summary>
internal sealed class TuneOptions
{
    public Option<string?> Storage { get; } = new("--storage")
    {
        Description = "The study store: sqlite:///PATH [default: runs/NAME/study.db] or postgresql://USER:PASSWORD@HOST:PORT/DB",
        HelpName = "URL",
    };

    public Option<string?> Study { get; } = new("--study") { Description = "The study's name", HelpName = "NAME" };

    public Option<string> RunsDir { get; } = new("--runs-dir") { Description = "Directory holding the runs", DefaultValueFactory = _ => "runs" };

    public Option<string?> Checkpoints { get; } = new("--checkpoints")
    {
        Description = "Where trials checkpoint after every epoch but the last, so a retried trial resumes [default: runs/NAME/trials; share it between machines to resume across them]",
        HelpName = "DIR",
    };

    public Option<double> Heartbeat { get; } = new("--heartbeat") { Description = "Seconds between a worker's lease renewals", DefaultValueFactory = _ => 10 };

    public Option<double> Grace { get; } = new("--grace") { Description = "Seconds without a heartbeat after which a running trial is stale: retried from its checkpoint, or failed after --max-attempts", DefaultValueFactory = _ => 30 };

    public Option<int> MaxAttempts { get; } = new("--max-attempts") { Description = "Times a trial may be started: a stale trial is resumed from its checkpoint until then, then marked failed", DefaultValueFactory = _ => 3 };

    public IEnumerable<Option> Lease => [Checkpoints, Heartbeat, Grace, MaxAttempts];

    public LeasePolicy LeaseOf(ParseResult parse)
    {
        double hb = parse.GetValue(Heartbeat), grace = parse.GetValue(Grace);
        int attempts = parse.GetValue(MaxAttempts);
        if (!(hb > 0)) throw new CliUsageException($"--heartbeat must be positive (got {hb.ToString(CultureInfo.InvariantCulture)})");
        if (!(grace > hb)) throw new CliUsageException($"--grace must exceed --heartbeat (got {grace.ToString(CultureInfo.InvariantCulture)})");
        if (attempts < 1) throw new CliUsageException($"--max-attempts must be at least 1 (got {attempts})");
        return new LeasePolicy(TimeSpan.FromSeconds(hb), TimeSpan.FromSeconds(grace), attempts);
    }

    /// <summary>The environment variable through which <c>descent tune</c> hands the storage URL to its workers (not on their command lines, which other users can read).</summary>
    public const string StorageVariable = "DESCENT_TUNE_STORAGE";

    public string StorageOf(ParseResult parse, string name) =>
        parse.GetValue(Storage) ?? (Environment.GetEnvironmentVariable(StorageVariable) is { Length: > 0 } handed ? handed : StorageUrl.Default(parse.GetValue(RunsDir)!, name));

    public string CheckpointsOf(ParseResult parse, string name) => parse.GetValue(Checkpoints) ?? Path.Combine(parse.GetValue(RunsDir)!, name, "trials");

    public string StudyOf(ParseResult parse) => parse.GetValue(Study) ?? throw new CliUsageException("--study NAME is required");

    /// <summary>Opens the store and finds the study in it: its id and definition.</summary>
    public static (IStudyStorage Storage, long Id, StudyDefinition Definition) OpenStudy(string url, string name)
    {
        var storage = StorageUrl.Open(url, create: false);
        var found = storage.FindStudy(name);
        if (found is not { } f)
        {
            storage.Dispose();
            throw new InvalidDataException($"study '{name}' is not in {StorageUrl.Mask(url)}");
        }
        var definition = StudyFile.Parse(System.Text.Json.Nodes.JsonNode.Parse(f.Definition), name) with { Trials = f.Trials };
        return (storage, f.Id, definition);
    }

    /// <summary>Starts `descent ARGS` as a child process (the same executable, or dotnet with this assembly).</summary>
    public static Process StartSelf(IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        string? exe = Environment.ProcessPath;
        string dll = typeof(DescentCli).Assembly.Location;
        bool self = exe is not null && Path.GetFileNameWithoutExtension(exe) is "Descent.Cli" or "descent";
        var info = new ProcessStartInfo(self ? exe! : Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (!self) info.ArgumentList.Add(dll);
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>()) info.Environment[key] = value;
        return Process.Start(info) ?? throw new InvalidOperationException("could not start a worker process");
    }
}
