using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Descent.Lab.Tuning;

/// <summary>
/// The study store over SQL shared by SQLite and PostgreSQL: tables <c>descent_schema</c> (the schema version),
/// <c>descent_studies</c>, <c>descent_trials</c> and <c>descent_intermediate</c>; times are the database's clock in
/// seconds, so workers on machines whose clocks disagree still agree on leases. A subclass gives the connection, the
/// dialect and how a claim is serialized.
/// </summary>
public abstract class SqlStudyStorage : IStudyStorage
{
    /// <summary>The version of the schema this Descent reads and writes; a store of another version is refused.</summary>
    public const int SchemaVersion = 1;

    /// <summary>Sets the URL shown in messages (password masked).</summary>
    protected SqlStudyStorage(string url) => DisplayUrl = StorageUrl.Mask(url);

    /// <inheritdoc/>
    public string DisplayUrl { get; }

    /// <summary>Opens a connection (pooled by the provider) ready for use.</summary>
    protected abstract DbConnection Open();

    /// <summary>Begins a transaction that holds the write lock (SQLite: BEGIN IMMEDIATE).</summary>
    protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>The SQL expression of the database's clock in seconds since 1970.</summary>
    protected abstract string Now { get; }

    /// <summary>The column type of an auto-increment primary key.</summary>
    protected abstract string PrimaryKey { get; }

    /// <summary>The suffix of a query of the study's row that locks it, serializing the claims of one study ("" when the transaction already does).</summary>
    protected virtual string LockStudySuffix => "";

    /// <summary>The suffix that skips rows other transactions hold ("FOR UPDATE SKIP LOCKED"), or "".</summary>
    protected virtual string SkipLocked => "";

    /// <summary>
    /// SQL run first in the transactions of heartbeats and intermediate values, whose loss in a server crash costs
    /// nothing (a heartbeat is renewed, a resumed trial reports its epochs again), to commit them without waiting for
    /// the disk; null when commits are already cheap. Claims and results always wait for the disk.
    /// </summary>
    protected virtual string? RelaxedCommitSql => null;

    /// <summary>SQL run first when the schema is created (to serialize creators), or null.</summary>
    protected virtual string? LockSchemaSql => null;

    /// <summary>Runs <paramref name="action"/> on a connection, turning provider failures into <see cref="StudyStorageException"/>s naming the store.</summary>
    protected T Use<T>(Func<DbConnection, T> action)
    {
        try
        {
            using var connection = Open();
            return action(connection);
        }
        catch (DbException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message.ReplaceLineEndings(" ")}", e); }
        catch (InvalidOperationException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message.ReplaceLineEndings(" ")}", e); }
        catch (System.Net.Sockets.SocketException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message}", e); }
        catch (TimeoutException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message}", e); }
    }

    /// <summary>Creates the tables when missing and checks the schema version.</summary>
    protected void EnsureSchema() => Use(c =>
    {
        using var tx = BeginWrite(c);
        if (LockSchemaSql is { } lockSql) Exec(c, tx, lockSql);
        Exec(c, tx, "CREATE TABLE IF NOT EXISTS descent_schema (version INTEGER NOT NULL)");
        Exec(c, tx, $"CREATE TABLE IF NOT EXISTS descent_studies (id {PrimaryKey}, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, trials INTEGER NOT NULL, created_at DOUBLE PRECISION NOT NULL)");
        Exec(c, tx, $"CREATE TABLE IF NOT EXISTS descent_trials (id {PrimaryKey}, study_id BIGINT NOT NULL REFERENCES descent_studies(id), number INTEGER NOT NULL, " +
            "state TEXT NOT NULL, params TEXT NOT NULL, value DOUBLE PRECISION NULL, attempt INTEGER NOT NULL, worker TEXT NULL, heartbeat_at DOUBLE PRECISION NULL, " +
            "started_at DOUBLE PRECISION NULL, finished_at DOUBLE PRECISION NULL, message TEXT NULL, UNIQUE (study_id, number))");
        Exec(c, tx, "CREATE INDEX IF NOT EXISTS descent_trials_state ON descent_trials (study_id, state)");
        Exec(c, tx, "CREATE TABLE IF NOT EXISTS descent_intermediate (trial_id BIGINT NOT NULL REFERENCES descent_trials(id), step INTEGER NOT NULL, " +
            "value DOUBLE PRECISION NOT NULL, PRIMARY KEY (trial_id, step))");
        var versions = new List<int>();
        using (var cmd = Command(c, tx, "SELECT version FROM descent_schema"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) versions.Add(Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture));
        if (versions.Count == 0) Exec(c, tx, "INSERT INTO descent_schema (version) VALUES (@v)", ("v", SchemaVersion));
        else if (versions.Count > 1 || versions[0] != SchemaVersion)
        {
            int found = versions.Max();
            throw new StudyStorageException($"study store {DisplayUrl} has schema version {found}; this Descent reads version {SchemaVersion}: " +
                (found > SchemaVersion ? "update Descent" : "the store was written by an older Descent; export its trials with that version or use a new store"));
        }
        tx.Commit();
        return 0;
    });

    /// <inheritdoc/>
    public long CreateOrJoin(StudyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        return Use(c =>
        {
            using var tx = BeginWrite(c);
            if (LockSchemaSql is { } lockSql) Exec(c, tx, lockSql);
            using (var cmd = Command(c, tx, "SELECT id, definition, trials FROM descent_studies WHERE name = @n", ("n", definition.Name)))
            using (var r = cmd.ExecuteReader())
            {
                if (r.Read())
                {
                    long id = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture);
                    var stored = JsonNode.Parse(r.GetString(1)) as JsonObject ?? new JsonObject();
                    int trials = Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture);
                    r.Close();
                    var differences = definition.DifferencesFrom(stored);
                    if (differences.Count > 0)
                        throw new StudyMismatchException($"study '{definition.Name}' exists in {DisplayUrl} with another definition: {string.Join("; ", differences)}");
                    if (definition.Trials > trials) Exec(c, tx, "UPDATE descent_studies SET trials = @t WHERE id = @id", ("t", definition.Trials), ("id", id));
                    tx.Commit();
                    return id;
                }
            }
            long created = Scalar(c, tx, $"INSERT INTO descent_studies (name, definition, trials, created_at) VALUES (@n, @d, @t, {Now}) RETURNING id",
                ("n", definition.Name), ("d", definition.Json.ToJsonString()), ("t", definition.Trials));
            tx.Commit();
            return created;
        });
    }

    /// <inheritdoc/>
    public (long Id, string Definition, int Trials)? FindStudy(string name) => Use<(long, string, int)?>(c =>
    {
        using var cmd = Command(c, null, "SELECT id, definition, trials FROM descent_studies WHERE name = @n", ("n", name));
        using var r = cmd.ExecuteReader();
        return r.Read() ? (Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), r.GetString(1), Convert.ToInt32(r.GetValue(2), CultureInfo.InvariantCulture)) : null;
    });

    /// <inheritdoc/>
    /// <remarks>
    /// The parameters are sampled outside the write lock (sampling reads every trial): the new trial is inserted in a
    /// second transaction only if no trial was created meanwhile, else the claim starts over. One worker's study is
    /// therefore sampled exactly as if under the lock, and the lock is held for milliseconds.
    /// </remarks>
    public TrialClaim Claim(long studyId, string worker, int budget, LeasePolicy lease,
        Func<IReadOnlyList<TrialRecord>, int, IReadOnlyDictionary<string, ParameterValue>> sample)
    {
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(sample);
        return Use(c =>
        {
            while (true)
            {
                long created;
                using (var tx = BeginWrite(c))
                {
                    budget = Math.Max(budget, (int)Scalar(c, tx, "SELECT trials FROM descent_studies WHERE id = @s" + LockStudySuffix, ("s", studyId)));
                    RecoverStale(c, tx, studyId, lease);
                    long? waiting = null;
                    using (var cmd = Command(c, tx, $"SELECT id FROM descent_trials WHERE study_id = @s AND state = 'waiting' ORDER BY number LIMIT 1{SkipLocked}", ("s", studyId)))
                        if (cmd.ExecuteScalar() is { } w and not DBNull) waiting = Convert.ToInt64(w, CultureInfo.InvariantCulture);
                    if (waiting is long id)
                    {
                        Exec(c, tx, $"UPDATE descent_trials SET state = 'running', attempt = attempt + 1, worker = @w, heartbeat_at = {Now} WHERE id = @id", ("w", worker), ("id", id));
                        var resumed = ReadTrials(c, tx, studyId, withIntermediate: true, onlyId: id).Single();
                        tx.Commit();
                        return new TrialClaim(ClaimOutcome.Claimed, resumed);
                    }
                    created = Scalar(c, tx, "SELECT COUNT(*) FROM descent_trials WHERE study_id = @s", ("s", studyId));
                    if (created >= budget)
                    {
                        long unfinished = Scalar(c, tx, "SELECT COUNT(*) FROM descent_trials WHERE study_id = @s AND state IN ('waiting', 'running')", ("s", studyId));
                        tx.Commit();
                        return new TrialClaim(unfinished > 0 ? ClaimOutcome.Wait : ClaimOutcome.Done, null);
                    }
                    tx.Commit();
                }
                var trials = ReadTrials(c, null, studyId, withIntermediate: false);
                if (trials.Count != created) continue;
                int number = trials.Count == 0 ? 0 : trials.Max(t => t.Number) + 1;
                var values = sample(trials, number);
                using (var tx = BeginWrite(c))
                {
                    // The lock first, the count in a statement of its own: under PostgreSQL's read committed a statement that waited
                    // for the lock would count with the snapshot it took before waiting.
                    Scalar(c, tx, "SELECT id FROM descent_studies WHERE id = @s" + LockStudySuffix, ("s", studyId));
                    if (Scalar(c, tx, "SELECT COUNT(*) FROM descent_trials WHERE study_id = @s", ("s", studyId)) != created) continue;   // another worker created one: sample again
                    long trialId = Scalar(c, tx, $"INSERT INTO descent_trials (study_id, number, state, params, attempt, worker, heartbeat_at, started_at) " +
                        $"VALUES (@s, @n, 'running', @p, 1, @w, {Now}, {Now}) RETURNING id",
                        ("s", studyId), ("n", number), ("p", ParameterValue.ToJson(values).ToJsonString()), ("w", worker));
                    tx.Commit();
                    return new TrialClaim(ClaimOutcome.Claimed, new TrialRecord
                    {
                        Id = trialId, Number = number, State = TrialState.Running, Params = values, Attempt = 1, Worker = worker,
                    });
                }
            }
        });
    }

    /// <summary>Stale running trials: back to waiting while attempts remain (resumed from their checkpoints), else failed.</summary>
    private void RecoverStale(DbConnection c, DbTransaction tx, long studyId, LeasePolicy lease)
    {
        double grace = lease.Grace.TotalSeconds;
        Exec(c, tx, $"UPDATE descent_trials SET state = 'failed', finished_at = {Now}, message = 'its worker ' || COALESCE(worker, '?') || ' stopped sending heartbeats (attempt ' || CAST(attempt AS TEXT) || ' of ' || CAST(@max AS TEXT) || ')' " +
            $"WHERE study_id = @s AND state = 'running' AND heartbeat_at < {Now} - @g AND attempt >= @max; " +
            $"UPDATE descent_trials SET state = 'waiting', message = 'retried: its worker ' || COALESCE(worker, '?') || ' stopped sending heartbeats' " +
            $"WHERE study_id = @s AND state = 'running' AND heartbeat_at < {Now} - @g", ("s", studyId), ("g", grace), ("max", lease.MaxAttempts));
    }

    private const string Owned = "id = @id AND worker = @w AND attempt = @a AND state = 'running'";

    /// <inheritdoc/>
    public bool Heartbeat(long trialId, string worker, int attempt) => Use(c =>
    {
        using var tx = BeginWrite(c);
        bool owned = Exec(c, tx, (RelaxedCommitSql is { } relaxed ? relaxed + "; " : "") + $"UPDATE descent_trials SET heartbeat_at = {Now} WHERE {Owned}", ("id", trialId), ("w", worker), ("a", attempt)) >= 1;
        tx.Commit();
        return owned;
    });

    /// <inheritdoc/>
    public bool Report(long trialId, string worker, int attempt, int step, double value) => Use(c =>
    {
        using var tx = BeginWrite(c);
        int n = Exec(c, tx, (RelaxedCommitSql is { } relaxed ? relaxed + "; " : "") + "INSERT INTO descent_intermediate (trial_id, step, value) SELECT @id, @step, @v WHERE EXISTS " +
            $"(SELECT 1 FROM descent_trials WHERE {Owned}) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value",
            ("id", trialId), ("step", step), ("v", value), ("w", worker), ("a", attempt));
        tx.Commit();
        return n >= 1;
    });

    /// <inheritdoc/>
    public bool Finish(long trialId, string worker, int attempt, TrialState state, double? value, string? message)
    {
        if (!state.IsFinished()) throw new ArgumentOutOfRangeException(nameof(state), state, "a trial finishes complete, pruned or failed");
        return Use(c => Exec(c, null, $"UPDATE descent_trials SET state = @st, value = @v, message = @m, finished_at = {Now} WHERE {Owned}",
            ("st", state.Name()), ("v", value is double d && double.IsFinite(d) ? d : DBNull.Value), ("m", (object?)message ?? DBNull.Value),
            ("id", trialId), ("w", worker), ("a", attempt)) == 1);
    }

    /// <inheritdoc/>
    public IReadOnlyList<TrialRecord> Trials(long studyId, bool withIntermediate) => Use(c => ReadTrials(c, null, studyId, withIntermediate));

    private List<TrialRecord> ReadTrials(DbConnection c, DbTransaction? tx, long studyId, bool withIntermediate, long? onlyId = null)
    {
        var result = new List<TrialRecord>();
        string filter = onlyId is null ? "study_id = @s" : "id = @id";
        using (var cmd = Command(c, tx, $"SELECT id, number, state, params, value, attempt, worker, message, finished_at - started_at FROM descent_trials WHERE {filter} ORDER BY number",
                   ("s", studyId), ("id", onlyId ?? 0)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                result.Add(new TrialRecord
                {
                    Id = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture),
                    Number = Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture),
                    State = TrialStates.Parse(r.GetString(2)),
                    Params = ParameterValue.FromJsonText(r.GetString(3)),
                    Value = r.IsDBNull(4) ? null : r.GetDouble(4),
                    Attempt = Convert.ToInt32(r.GetValue(5), CultureInfo.InvariantCulture),
                    Worker = r.IsDBNull(6) ? null : r.GetString(6),
                    Message = r.IsDBNull(7) ? null : r.GetString(7),
                    Seconds = r.IsDBNull(8) ? null : r.GetDouble(8),
                });
        if (!withIntermediate || result.Count == 0) return result;
        var byId = result.ToDictionary(t => t.Id, _ => new Dictionary<int, double>());
        string join = onlyId is null ? "SELECT i.trial_id, i.step, i.value FROM descent_intermediate i JOIN descent_trials t ON t.id = i.trial_id WHERE t.study_id = @s"
            : "SELECT trial_id, step, value FROM descent_intermediate WHERE trial_id = @id";
        using (var cmd = Command(c, tx, join, ("s", studyId), ("id", onlyId ?? 0)))
        using (var r = cmd.ExecuteReader())
            while (r.Read())
                if (byId.TryGetValue(Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture), out var d))
                    d[Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture)] = r.GetDouble(2);
        return result.Select(t => t with { Intermediate = byId[t.Id] }).ToList();
    }

    /// <summary>A command with named parameters (@name), in <paramref name="tx"/> when given.</summary>
    protected static DbCommand Command(DbConnection c, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = c.CreateCommand();
        cmd.CommandText = sql;
        cmd.Transaction = tx;
        foreach (var (name, value) in parameters)
        {
            if (!sql.Contains("@" + name, StringComparison.Ordinal)) continue;
            var p = cmd.CreateParameter();
            p.ParameterName = name;
            p.Value = value;
            if (value is int) p.DbType = DbType.Int32;
            else if (value is long) p.DbType = DbType.Int64;
            else if (value is double) p.DbType = DbType.Double;
            else if (value is string) p.DbType = DbType.String;
            cmd.Parameters.Add(p);
        }
        return cmd;
    }

    /// <summary>Executes a statement; returns the rows it changed.</summary>
    protected static int Exec(DbConnection c, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        return cmd.ExecuteNonQuery();
    }

    private static long Scalar(DbConnection c, DbTransaction? tx, string sql, params (string Name, object Value)[] parameters)
    {
        using var cmd = Command(c, tx, sql, parameters);
        return Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Releases pooled connections.</summary>
    protected virtual void Dispose(bool disposing) { }
}
