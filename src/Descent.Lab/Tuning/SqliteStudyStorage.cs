using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace Descent.Lab.Tuning;

/// <summary>
/// The default study store: one SQLite file (<c>sqlite:///runs/NAME/study.db</c>) shared by the workers of one
/// machine. WAL mode lets readers run beside the one writer; every write transaction starts with BEGIN IMMEDIATE (it
/// takes the write lock first, so two claims never deadlock upgrading a read lock) and waits up to
/// <see cref="BusyTimeout"/> for it, so parallel workers queue instead of failing with "database is locked".
/// Each store object keeps one connection open for its life (its pragmas set once), shared under a lock by the
/// threads of a worker (the trial loop and the heartbeat).
/// </summary>
/// <remarks>Keep the file on a local disk: SQLite's locks are not reliable on network file systems (use PostgreSQL across machines).</remarks>
public sealed class SqliteStudyStorage : SqlStudyStorage
{
    /// <summary>How long a transaction waits for the write lock before failing.</summary>
    public static readonly TimeSpan BusyTimeout = TimeSpan.FromSeconds(60);

    private readonly string _connectionString;
    private readonly Lock _gate = new();
    private SqliteConnection? _connection;
    private bool _disposed;

    /// <summary>
    /// Opens the store in <paramref name="path"/>, creating it and its directory if needed when
    /// <paramref name="create"/>; otherwise a missing file is a <see cref="StudyStorageException"/> naming it.
    /// </summary>
    public SqliteStudyStorage(string path, string? url = null, bool create = true) : base(url ?? "sqlite:///" + path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        if (!create && !File.Exists(path))
            throw new StudyStorageException($"study store {DisplayUrl}: there is no file {Path.GetFullPath(path)} " +
                "(sqlite:///PATH takes a path relative to the current directory; an absolute one needs a fourth slash: sqlite:////tmp/study.db)");
        try
        {
            string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
            if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new StudyStorageException($"study store {DisplayUrl}: cannot create its directory: {e.Message}", e);
        }
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            DefaultTimeout = (int)BusyTimeout.TotalSeconds,
            Pooling = false,   // the store holds its connection itself; closing it really closes the file
        }.ToString();
        Use(c =>
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = "PRAGMA journal_mode = WAL";
            string mode = cmd.ExecuteScalar() as string ?? "";
            if (!mode.Equals("wal", StringComparison.OrdinalIgnoreCase))
                throw new StudyStorageException($"study store {DisplayUrl}: cannot switch to WAL mode (got '{mode}')");
            return 0;
        });
        EnsureSchema();
    }

    /// <inheritdoc/>
    protected override T OnConnection<T>(bool relaxed, Func<DbConnection, T> action)
    {
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_connection is null)
            {
                var c = new SqliteConnection(_connectionString);
                c.Open();
                using (var cmd = c.CreateCommand())
                {
                    // In WAL mode NORMAL syncs at checkpoints, not at every commit: a power loss may undo the last
                    // commits but never corrupts the file. Durable per commit would be FULL.
                    cmd.CommandText = $"PRAGMA busy_timeout = {(int)BusyTimeout.TotalMilliseconds}; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON";
                    cmd.ExecuteNonQuery();
                }
                _connection = c;
            }
            try { return action(_connection); }
            catch (SqliteException)
            {
                // A connection in an unknown state is not reused: the next call opens a fresh one.
                _connection.Dispose();
                _connection = null;
                throw;
            }
        }
    }

    /// <inheritdoc/>
    protected override DbTransaction BeginWrite(DbConnection connection) => ((SqliteConnection)connection).BeginTransaction(deferred: false);

    /// <inheritdoc/>
    protected override T Atomically<T>(DbConnection connection, Func<DbTransaction?, T> body)
    {
        using var tx = BeginWrite(connection);
        var result = body(tx);
        tx.Commit();
        return result;
    }

    /// <inheritdoc/>
    protected override bool ReadInWriteCommand => false;

    /// <inheritdoc/>
    protected override string Now => "((julianday('now') - 2440587.5) * 86400.0)";

    /// <inheritdoc/>
    protected override string PrimaryKey => "INTEGER PRIMARY KEY";

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        lock (_gate)
        {
            _disposed = true;
            _connection?.Dispose();
            _connection = null;
        }
    }
}
