using System.Data;
using System.Data.Common;
using Npgsql;

namespace Descent.Lab.Tuning;

/// <summary>
/// The study store for workers on several machines: a PostgreSQL database
/// (<c>postgresql://user:password@host:port/db</c>). A claim takes a waiting trial with <c>FOR UPDATE SKIP LOCKED</c>
/// or inserts the next trial number (unique in the study, so the budget stays exact without a lock); leases use the
/// server's clock. Each call is one command sent in one round trip (several statements run in the implicit
/// transaction of the round trip), on pooled connections whose frequent statements are prepared automatically.
/// </summary>
public sealed class PostgresStudyStorage : SqlStudyStorage
{
    private readonly NpgsqlDataSource _source;

    /// <summary>Connections whose commits do not wait for the disk (<c>synchronous_commit = off</c>): heartbeats and intermediate values.</summary>
    private readonly NpgsqlDataSource _relaxed;

    /// <summary>Connects to the database of <paramref name="url"/> and creates the schema if needed.</summary>
    /// <exception cref="StudyStorageException">The server cannot be reached, refuses the login, or holds another schema version.</exception>
    public PostgresStudyStorage(string url) : base(url)
    {
        NpgsqlConnectionStringBuilder builder;
        try { builder = Parse(url); }
        catch (Exception e) when (e is UriFormatException or ArgumentException or FormatException)
        {
            throw new ArgumentException($"invalid PostgreSQL URL '{DisplayUrl}': {e.Message}");
        }
        _source = NpgsqlDataSource.Create(builder);
        builder.Options = "-c synchronous_commit=off";
        _relaxed = NpgsqlDataSource.Create(builder);
        try { EnsureSchema(); }
        catch
        {
            Dispose(true);
            throw;
        }
    }

    private static NpgsqlConnectionStringBuilder Parse(string url)
    {
        var uri = new Uri(url);
        string[] user = uri.UserInfo.Split(':', 2);
        return new NpgsqlConnectionStringBuilder
        {
            Host = uri.Host,
            Port = uri.IsDefaultPort || uri.Port <= 0 ? 5432 : uri.Port,
            Database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/')) is { Length: > 0 } db ? db : "postgres",
            Username = user.Length > 0 && user[0].Length > 0 ? Uri.UnescapeDataString(user[0]) : null,
            Password = user.Length > 1 ? Uri.UnescapeDataString(user[1]) : null,
            Timeout = 30,
            CommandTimeout = 60,
            Pooling = true,
            // The session's state is never changed, so a connection coming back to the pool needs no reset.
            NoResetOnClose = true,
            // The claim's, report's and result's statements are prepared on each pooled connection after two uses.
            MaxAutoPrepare = 32,
            AutoPrepareMinUsages = 2,
        };
    }

    /// <inheritdoc/>
    protected override T OnConnection<T>(bool relaxed, Func<DbConnection, T> action)
    {
        using var connection = (relaxed ? _relaxed : _source).OpenConnection();
        return action(connection);
    }

    /// <inheritdoc/>
    protected override T Atomically<T>(DbConnection connection, Func<DbTransaction?, T> body) => body(null);

    /// <inheritdoc/>
    protected override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(IsolationLevel.ReadCommitted);

    /// <inheritdoc/>
    protected override string Now => "extract(epoch from clock_timestamp())::double precision";

    /// <inheritdoc/>
    protected override string PrimaryKey => "BIGSERIAL PRIMARY KEY";

    /// <inheritdoc/>
    protected override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    /// <inheritdoc/>
    protected override string? LockSchemaSql => "SELECT pg_advisory_xact_lock(7100531)";

    /// <inheritdoc/>
    protected override void Dispose(bool disposing)
    {
        _source.Dispose();
        _relaxed.Dispose();
    }
}
