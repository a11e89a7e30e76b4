using System.Data;
using System.Data.Common;
using Npgsql;

namespace Descent.Lab.Tuning;

/// <summary>
/// The study store for workers on several machines: a PostgreSQL database
/// (<c>postgresql://user:password@host:port/db</c>). A claim locks its study's row (<c>SELECT … FOR UPDATE</c>) so trial
/// numbers and the budget stay exact, and takes a waiting trial with <c>FOR UPDATE SKIP LOCKED</c>; leases use the
/// server's clock.
/// </summary>
public sealed class PostgresStudyStorage : SqlStudyStorage
{
    private readonly NpgsqlDataSource _source;

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
        EnsureSchema();
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
        };
    }

    /// <inheritdoc/>
    protected override DbConnection Open() => _source.OpenConnection();

    /// <inheritdoc/>
    protected override DbTransaction BeginWrite(DbConnection connection) => connection.BeginTransaction(IsolationLevel.ReadCommitted);

    /// <inheritdoc/>
    protected override string Now => "extract(epoch from clock_timestamp())::double precision";

    /// <inheritdoc/>
    protected override string PrimaryKey => "BIGSERIAL PRIMARY KEY";

    /// <inheritdoc/>
    protected override string LockStudySuffix => " FOR UPDATE";

    /// <inheritdoc/>
    protected override string SkipLocked => " FOR UPDATE SKIP LOCKED";

    /// <inheritdoc/>
    protected override string? RelaxedCommitSql => "SET LOCAL synchronous_commit = off";

    /// <inheritdoc/>
    protected override string? LockSchemaSql => "SELECT pg_advisory_xact_lock(7100531)";

    /// <inheritdoc/>
    protected override void Dispose(bool disposing) => _source.Dispose();
}
