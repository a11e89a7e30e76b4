using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Descent.Tests.Tuning;

/// <summary>
/// A throwaway PostgreSQL cluster for the tests: initdb + pg_ctl into a temporary directory, listening on a free
/// port of 127.0.0.1, run as the "postgres" user when the tests run as root (PostgreSQL refuses to run as root);
/// stopped and deleted at the end. <see cref="Url"/> is null when PostgreSQL is not installed (scripts/setup.sh installs it).
/// </summary>
public sealed class PostgresCluster : IDisposable
{
    private readonly string? _dir;
    private readonly string? _bin;
    private readonly bool _asPostgres;
    private int _databases;

    public PostgresCluster()
    {
        _bin = FindBin();
        if (_bin is null) return;
        _asPostgres = Environment.UserName == "root";
        _dir = Path.Combine(Path.GetTempPath(), "descent-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_dir);
        if (_asPostgres) Run("chown", "postgres", _dir);
        string data = Path.Combine(_dir, "data");
        Port = FreePort();
        Pg("initdb", "-D", data, "-A", "trust", "-U", "descent", "--no-sync", "-E", "UTF8");
        Pg("pg_ctl", "-D", data, "-l", Path.Combine(_dir, "log"), "-w", "-t", "60", "-o",
            $"-p {Port} -k {_dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100", "start");
        Url = $"postgresql://descent:secret@127.0.0.1:{Port}/postgres";
    }

    /// <summary>The server's port.</summary>
    public int Port { get; }

    /// <summary>The URL of the cluster's "postgres" database, or null without PostgreSQL.</summary>
    public string? Url { get; }

    /// <summary>A URL of a fresh, empty database of this cluster.</summary>
    public string NewDatabase()
    {
        string name = $"t{Interlocked.Increment(ref _databases)}";
        Pg("psql", "-h", "127.0.0.1", "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "descent", "-d", "postgres", "-c", $"CREATE DATABASE {name}");
        return $"postgresql://descent:secret@127.0.0.1:{Port}/{name}";
    }

    private static string? FindBin()
    {
        if (Directory.Exists("/usr/lib/postgresql"))
            foreach (var d in Directory.GetDirectories("/usr/lib/postgresql").OrderDescending())
                if (File.Exists(Path.Combine(d, "bin", "initdb"))) return Path.Combine(d, "bin");
        return null;
    }

    private static int FreePort()
    {
        var l = new TcpListener(IPAddress.Loopback, 0);
        l.Start();
        int port = ((IPEndPoint)l.LocalEndpoint).Port;
        l.Stop();
        return port;
    }

    private void Pg(string tool, params string[] args)
    {
        string exe = tool == "psql" && !File.Exists(Path.Combine(_bin!, tool)) ? "psql" : Path.Combine(_bin!, tool);
        if (_asPostgres) Run("runuser", ["-u", "postgres", "--", exe, .. args]);
        else Run(exe, args);
    }

    private static void Run(string exe, params string[] args)
    {
        var info = new ProcessStartInfo(exe) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/" };
        foreach (var a in args) info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"{exe} {string.Join(' ', args)} failed ({p.ExitCode}): {err} {stdout.Result}");
    }

    public void Dispose()
    {
        if (_dir is null) return;
        try { Pg("pg_ctl", "-D", Path.Combine(_dir, "data"), "-m", "immediate", "-w", "stop"); }
        catch (InvalidOperationException) { }
        try { Directory.Delete(_dir, true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}

[CollectionDefinition("postgres")]
public sealed class PostgresCollection : ICollectionFixture<PostgresCluster>;
