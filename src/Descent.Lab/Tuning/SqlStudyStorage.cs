using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Descent.Lab.Tuning;

/// <summary>
/// The study store over SQL shared by SQLite and PostgreSQL: tables <c>descent_schema</c> (the schema version),
/// <c>descent_studies</c>, <c>descent_trials</c> and <c>descent_intermediate</c>; times are the database's clock in
/// seconds, so workers on machines whose clocks disagree still agree on leases. A subclass gives the connection, the
/// dialect and how a write is made atomic.
/// </summary>
/// <remarks>
/// Every hot call is one command, sent in one round trip: a claim reads the study (budget, trials, stale leases)
/// and then writes the claim (the first waiting trial, or a new trial whose number is unique in the study, so the
/// budget is exact without a lock); a report stores the value, renews the lease and, for the pruner, reads the
/// trials back (SQLite reads them just after the commit, outside the write lock); a result is one update and its check. The claim, the report and the result are idempotent: a call
/// repeated because its reply was lost finds what the first call did (see <see cref="IStudyStorage"/>).
/// </remarks>
public abstract class SqlStudyStorage : IStudyStorage
{
    /// <summary>
    /// The version of the schema this Descent reads and writes; a store of another version is refused. Version 2
    /// added the claim token of a trial (<c>descent_trials.claim</c>).
    /// </summary>
    public const int SchemaVersion = 2;

    /// <summary>Sets the URL shown in messages (password masked).</summary>
    protected SqlStudyStorage(string url) => DisplayUrl = StorageUrl.Mask(url);

    /// <inheritdoc/>
    public string DisplayUrl { get; }

    /// <summary>
    /// Runs <paramref name="action"/> on a connection ready for use: SQLite, the store's one connection (under a
    /// lock); PostgreSQL, a pooled one — with commits that do not wait for the disk when <paramref name="relaxed"/>
    /// (heartbeats and intermediate values, whose loss in a server crash costs nothing: a lease is renewed, a
    /// resumed trial reports its epochs again). Claims and results always wait for the disk.
    /// </summary>
    protected abstract T OnConnection<T>(bool relaxed, Func<DbConnection, T> action);

    /// <summary>Begins a transaction that holds the write lock (SQLite: BEGIN IMMEDIATE).</summary>
    protected abstract DbTransaction BeginWrite(DbConnection connection);

    /// <summary>
    /// Runs <paramref name="body"/>, which sends one command, atomically: SQLite in a BEGIN IMMEDIATE transaction
    /// (the write lock first, so it waits in the busy timeout instead of failing); PostgreSQL in the implicit
    /// transaction of one round trip (no BEGIN and COMMIT of their own), so <paramref name="body"/> gets null.
    /// </summary>
    protected abstract T Atomically<T>(DbConnection connection, Func<DbTransaction?, T> body);

    /// <summary>The SQL expression of the database's clock in seconds since 1970.</summary>
    protected abstract string Now { get; }

    /// <summary>The column type of an auto-increment primary key.</summary>
    protected abstract string PrimaryKey { get; }

    /// <summary>The suffix that skips rows other transactions hold ("FOR UPDATE SKIP LOCKED"), or "".</summary>
    protected virtual string SkipLocked => "";

    /// <summary>SQL run first when the schema is created (to serialize creators), or null.</summary>
    protected virtual string? LockSchemaSql => null;

    /// <summary>Runs <paramref name="action"/> on a connection, turning provider failures into <see cref="StudyStorageException"/>s naming the store.</summary>
    protected T Use<T>(Func<DbConnection, T> action, bool relaxed = false)
    {
        try { return OnConnection(relaxed, action); }
        catch (DbException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message.ReplaceLineEndings(" ")}", e); }
        catch (InvalidOperationException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message.ReplaceLineEndings(" ")}", e); }
        catch (System.Net.Sockets.SocketException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message}", e); }
        catch (TimeoutException e) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message}", e); }
        catch (IOException e) when (e is not StudyStorageException) { throw new StudyStorageException($"study store {DisplayUrl}: {e.Message.ReplaceLineEndings(" ")}", e); }
    }

    /// <summary>Creates the tables when missing and checks the schema version.</summary>
    protected void EnsureSchema() => Use(c =>
    {
        using var tx = BeginWrite(c);
        if (LockSchemaSql is { } lockSql) Exec(c, tx, lockSql);
        Exec(c, tx, "CREATE TABLE IF NOT EXISTS descent_schema (version INTEGER NOT NULL)");
        var versions = new List<int>();
        using (var cmd = Command(c, tx, "SELECT version FROM descent_schema"))
        using (var r = cmd.ExecuteReader())
            while (r.Read()) versions.Add(Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture));
        if (versions.Count > 1 || (versions.Count == 1 && versions[0] != SchemaVersion))
        {
            int found = versions.Max();
            throw new StudyStorageException($"study store {DisplayUrl} has schema version {found}; this Descent reads version {SchemaVersion}: " +
                (found > SchemaVersion ? "update Descent" : "the store was written by an older Descent; export its trials with that version or use a new store"));
        }
        Exec(c, tx, $"CREATE TABLE IF NOT EXISTS descent_studies (id {PrimaryKey}, name TEXT NOT NULL UNIQUE, definition TEXT NOT NULL, trials INTEGER NOT NULL, created_at DOUBLE PRECISION NOT NULL)");
        Exec(c, tx, $"CREATE TABLE IF NOT EXISTS descent_trials (id {PrimaryKey}, study_id BIGINT NOT NULL REFERENCES descent_studies(id), number INTEGER NOT NULL, " +
            "state TEXT NOT NULL, params TEXT NOT NULL, value DOUBLE PRECISION NULL, attempt INTEGER NOT NULL, worker TEXT NULL, claim TEXT NULL, heartbeat_at DOUBLE PRECISION NULL, " +
            "started_at DOUBLE PRECISION NULL, finished_at DOUBLE PRECISION NULL, message TEXT NULL, UNIQUE (study_id, number))");
        Exec(c, tx, "CREATE INDEX IF NOT EXISTS descent_trials_state ON descent_trials (study_id, state)");
        Exec(c, tx, "CREATE INDEX IF NOT EXISTS descent_trials_claim ON descent_trials (claim)");
        Exec(c, tx, "CREATE TABLE IF NOT EXISTS descent_intermediate (trial_id BIGINT NOT NULL REFERENCES descent_trials(id), step INTEGER NOT NULL, " +
            "value DOUBLE PRECISION NOT NULL, PRIMARY KEY (trial_id, step))");
        if (versions.Count == 0) Exec(c, tx, "INSERT INTO descent_schema (version) VALUES (@v)", ("v", SchemaVersion));
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

    /// <summary>The columns of a trial, in the order <see cref="ReadTrialRows"/> reads them; then its claim token and whether its lease expired.</summary>
    private static string TrialColumns(string stale) =>
        $"id, number, state, params, value, attempt, worker, message, finished_at - started_at, claim, {stale}";

    private string StaleExpression => $"CASE WHEN state = 'running' AND heartbeat_at < {Now} - @g THEN 1 ELSE 0 END";

    private const string IntermediateOfStudy =
        "SELECT i.trial_id, i.step, i.value FROM descent_intermediate i JOIN descent_trials t ON t.id = i.trial_id WHERE t.study_id = @s";

    /// <inheritdoc/>
    /// <remarks>
    /// A claim takes two round trips when nothing races it: one reads the study's budget and trials, the other
    /// claims the first waiting trial (<c>UPDATE … WHERE id = (SELECT … LIMIT 1 FOR UPDATE SKIP LOCKED) RETURNING</c>,
    /// stale leases handled in the same command) or inserts trial N, N being the number of trials read. Parameters are
    /// sampled between the two, outside any lock; a trial numbered N inserted meanwhile by another worker makes the
    /// insert do nothing (the number is unique in the study) and the claim starts over with the new trials. One
    /// worker's study is therefore sampled exactly as if under a lock, and no lock is held while sampling.
    /// </remarks>
    public TrialClaim Claim(long studyId, string worker, int budget, LeasePolicy lease,
        Func<IReadOnlyList<TrialRecord>, int, IReadOnlyDictionary<string, ParameterValue>> sample, string? token = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(worker);
        ArgumentNullException.ThrowIfNull(lease);
        ArgumentNullException.ThrowIfNull(sample);
        token ??= Guid.NewGuid().ToString("N");
        return Use(c =>
        {
            while (true)
            {
                // Round trip 1: the budget and every trial, each with its claim token and whether its lease expired.
                int stored;
                List<TrialRow> rows;
                using (var cmd = Command(c, null, $"SELECT trials FROM descent_studies WHERE id = @s; SELECT {TrialColumns(StaleExpression)} FROM descent_trials WHERE study_id = @s ORDER BY number",
                           ("s", studyId), ("g", lease.Grace.TotalSeconds)))
                using (var r = cmd.ExecuteReader())
                {
                    if (!r.Read()) throw new InvalidOperationException($"study {studyId} is not in the store");
                    stored = Convert.ToInt32(r.GetValue(0), CultureInfo.InvariantCulture);
                    r.NextResult();
                    rows = ReadTrialRows(r);
                }
                budget = Math.Max(budget, stored);
                // A trial claimed with this token by an earlier call whose reply was lost: ours while it runs under our name.
                // (One that went on without us — stale, retried elsewhere — keeps the token until reclaimed; it is not ours.)
                if (rows.Find(x => x.Claim == token && x.Trial.State == TrialState.Running && x.Trial.Worker == worker) is { } mine)
                    return new TrialClaim(ClaimOutcome.Claimed, WithIntermediate(c, mine.Trial));
                bool stale = rows.Exists(x => x.Stale);
                if (stale || rows.Exists(x => x.Trial.State == TrialState.Waiting))
                {
                    // Round trip 2: stale leases handled, then the first waiting trial claimed, with its stored intermediate values.
                    var claimed = Atomically(c, tx =>
                    {
                        using var cmd = Command(c, tx, (stale ? RecoverStaleSql + "; " : "") +
                            $"UPDATE descent_trials SET state = 'running', attempt = attempt + 1, worker = @w, claim = @k, heartbeat_at = {Now}, started_at = COALESCE(started_at, {Now}) " +
                            $"WHERE id = (SELECT id FROM descent_trials WHERE study_id = @s AND state = 'waiting' ORDER BY number LIMIT 1{SkipLocked}) AND state = 'waiting' " +
                            $"RETURNING {TrialColumns("0")}; " +
                            "SELECT i.trial_id, i.step, i.value FROM descent_intermediate i JOIN descent_trials t ON t.id = i.trial_id WHERE t.study_id = @s AND t.claim = @k",
                            ("s", studyId), ("g", lease.Grace.TotalSeconds), ("max", lease.MaxAttempts), ("w", worker), ("k", token));
                        using var r = cmd.ExecuteReader();
                        var row = ReadTrialRows(r).SingleOrDefault();
                        r.NextResult();
                        return row is null ? null : WithIntermediate(row.Trial, ReadIntermediate(r));
                    });
                    if (claimed is not null) return new TrialClaim(ClaimOutcome.Claimed, claimed);
                    continue;   // another worker took it, or the stale trial failed for good: look again
                }
                int number = rows.Count;
                if (number >= budget)
                    return new TrialClaim(rows.Exists(x => !x.Trial.State.IsFinished()) ? ClaimOutcome.Wait : ClaimOutcome.Done, null);
                var trials = rows.ConvertAll(x => x.Trial);
                var values = sample(trials, number);
                // Round trip 2: trial N, unless another worker created it meanwhile.
                long? created = Atomically(c, tx =>
                {
                    using var cmd = Command(c, tx, "INSERT INTO descent_trials (study_id, number, state, params, attempt, worker, claim, heartbeat_at, started_at) " +
                        $"VALUES (@s, @n, 'running', @p, 1, @w, @k, {Now}, {Now}) ON CONFLICT (study_id, number) DO NOTHING RETURNING id",
                        ("s", studyId), ("n", number), ("p", ParameterValue.ToJson(values).ToJsonString()), ("w", worker), ("k", token));
                    return cmd.ExecuteScalar() is { } id and not DBNull ? Convert.ToInt64(id, CultureInfo.InvariantCulture) : (long?)null;
                });
                if (created is long trialId)
                    return new TrialClaim(ClaimOutcome.Claimed, new TrialRecord
                    {
                        Id = trialId, Number = number, State = TrialState.Running, Params = values, Attempt = 1, Worker = worker,
                    });
            }
        });
    }

    /// <summary>Stale running trials: failed when they used their attempts, else back to waiting (resumed from their checkpoints).</summary>
    private string RecoverStaleSql =>
        $"UPDATE descent_trials SET state = 'failed', finished_at = {Now}, message = 'its worker ' || COALESCE(worker, '?') || ' stopped sending heartbeats (attempt ' || CAST(attempt AS TEXT) || ' of ' || CAST(@max AS TEXT) || ')' " +
        $"WHERE study_id = @s AND state = 'running' AND heartbeat_at < {Now} - @g AND attempt >= @max; " +
        $"UPDATE descent_trials SET state = 'waiting', message = 'retried: its worker ' || COALESCE(worker, '?') || ' stopped sending heartbeats' " +
        $"WHERE study_id = @s AND state = 'running' AND heartbeat_at < {Now} - @g";

    private const string Owned = "id = @id AND worker = @w AND attempt = @a AND state = 'running'";

    /// <inheritdoc/>
    public bool Heartbeat(long trialId, string worker, int attempt) => Use(c => Atomically(c, tx =>
    {
        using var cmd = Command(c, tx, $"UPDATE descent_trials SET heartbeat_at = {Now} WHERE {Owned} RETURNING id", ("id", trialId), ("w", worker), ("a", attempt));
        return cmd.ExecuteScalar() is not (null or DBNull);
    }), relaxed: true);

    /// <inheritdoc/>
    public bool Report(long trialId, string worker, int attempt, int step, double value) =>
        Report(null, trialId, worker, attempt, step, value).Owned;

    /// <inheritdoc/>
    public IReadOnlyList<TrialRecord>? ReportAndRead(long studyId, long trialId, string worker, int attempt, int step, double value) =>
        Report(studyId, trialId, worker, attempt, step, value) is { Owned: true } r ? r.Trials : null;

    /// <summary>
    /// The lease renewed and the value stored (replacing one an earlier attempt stored), then the study's trials read
    /// back when <paramref name="studyId"/> is given: in one command when <see cref="ReadInWriteCommand"/>, else
    /// read after the commit.
    /// </summary>
    private (bool Owned, IReadOnlyList<TrialRecord>? Trials) Report(long? studyId, long trialId, string worker, int attempt, int step, double value) => Use(c =>
    {
        bool together = studyId is not null && ReadInWriteCommand;
        var (owned, trials) = Atomically(c, tx =>
        {
            string sql = $"UPDATE descent_trials SET heartbeat_at = {Now} WHERE {Owned} RETURNING id; " +
                "INSERT INTO descent_intermediate (trial_id, step, value) SELECT @id, @step, @v WHERE EXISTS " +
                $"(SELECT 1 FROM descent_trials WHERE {Owned}) ON CONFLICT (trial_id, step) DO UPDATE SET value = excluded.value";
            if (together) sql += $"; {StudyTrialsSql}";
            using var cmd = Command(c, tx, sql, ("id", trialId), ("step", step), ("v", value), ("w", worker), ("a", attempt), ("s", studyId ?? 0));
            using var r = cmd.ExecuteReader();
            bool mine = r.Read();
            if (!mine || !together) return (mine, (IReadOnlyList<TrialRecord>?)null);
            r.NextResult();
            return (true, ReadStudyTrials(r));
        });
        if (!owned || studyId is null || together) return (owned, trials);
        using var read = Command(c, null, StudyTrialsSql, ("s", studyId));
        using var reader = read.ExecuteReader();
        return (true, ReadStudyTrials(reader));
    }, relaxed: true);

    /// <summary>
    /// Whether a read that follows a write goes in the write's command: true for a server (one round trip fewer),
    /// false for SQLite, where a round trip costs nothing and a read after the commit keeps the write lock short.
    /// </summary>
    protected virtual bool ReadInWriteCommand => true;

    /// <summary>Every trial of study @s, then their intermediate values: two result sets for <see cref="ReadStudyTrials"/>.</summary>
    private static string StudyTrialsSql => $"SELECT {TrialColumns("0")} FROM descent_trials WHERE study_id = @s ORDER BY number; {IntermediateOfStudy}";

    private static List<TrialRecord> ReadStudyTrials(DbDataReader r)
    {
        var rows = ReadTrialRows(r);
        r.NextResult();
        var intermediate = ReadIntermediate(r);
        return rows.ConvertAll(x => WithIntermediate(x.Trial, intermediate));
    }

    /// <inheritdoc/>
    /// <remarks>
    /// One round trip: the update, then the trial's state as this worker's attempt left it. A call repeated because
    /// its reply was lost finds the trial already ended by the same attempt with the same state, and succeeds
    /// without changing anything.
    /// </remarks>
    public bool Finish(long trialId, string worker, int attempt, TrialState state, double? value, string? message)
    {
        if (!state.IsFinished()) throw new ArgumentOutOfRangeException(nameof(state), state, "a trial finishes complete, pruned or failed");
        return Use(c => Atomically(c, tx =>
        {
            using var cmd = Command(c, tx, $"UPDATE descent_trials SET state = @st, value = @v, message = @m, finished_at = {Now} WHERE {Owned}; " +
                "SELECT state FROM descent_trials WHERE id = @id AND worker = @w AND attempt = @a",
                ("st", state.Name()), ("v", value is double d && double.IsFinite(d) ? d : DBNull.Value), ("m", (object?)message ?? DBNull.Value),
                ("id", trialId), ("w", worker), ("a", attempt));
            return cmd.ExecuteScalar() is string now && now == state.Name();
        }));
    }

    /// <inheritdoc/>
    public IReadOnlyList<TrialRecord> Trials(long studyId, bool withIntermediate) => Use(c =>
    {
        using var cmd = Command(c, null, withIntermediate ? StudyTrialsSql : $"SELECT {TrialColumns("0")} FROM descent_trials WHERE study_id = @s ORDER BY number", ("s", studyId));
        using var r = cmd.ExecuteReader();
        return withIntermediate ? ReadStudyTrials(r) : ReadTrialRows(r).ConvertAll(x => x.Trial);
    });

    private sealed record TrialRow(TrialRecord Trial, string? Claim, bool Stale);

    private static List<TrialRow> ReadTrialRows(DbDataReader r)
    {
        var result = new List<TrialRow>();
        while (r.Read())
            result.Add(new TrialRow(new TrialRecord
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
            }, r.IsDBNull(9) ? null : r.GetString(9), Convert.ToInt32(r.GetValue(10), CultureInfo.InvariantCulture) == 1));
        return result;
    }

    /// <summary>trial id → (step → value) from rows (trial_id, step, value).</summary>
    private static Dictionary<long, Dictionary<int, double>> ReadIntermediate(DbDataReader r)
    {
        var byId = new Dictionary<long, Dictionary<int, double>>();
        while (r.Read())
        {
            long id = Convert.ToInt64(r.GetValue(0), CultureInfo.InvariantCulture);
            if (!byId.TryGetValue(id, out var steps)) byId[id] = steps = [];
            steps[Convert.ToInt32(r.GetValue(1), CultureInfo.InvariantCulture)] = r.GetDouble(2);
        }
        return byId;
    }

    private static TrialRecord WithIntermediate(TrialRecord trial, Dictionary<long, Dictionary<int, double>> intermediate) =>
        trial with { Intermediate = intermediate.TryGetValue(trial.Id, out var steps) ? steps : new Dictionary<int, double>() };

    private static TrialRecord WithIntermediate(DbConnection c, TrialRecord trial)
    {
        using var cmd = Command(c, null, "SELECT trial_id, step, value FROM descent_intermediate WHERE trial_id = @id", ("id", trial.Id));
        using var r = cmd.ExecuteReader();
        return WithIntermediate(trial, ReadIntermediate(r));
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

    /// <summary>Releases the store's connections.</summary>
    protected virtual void Dispose(bool disposing) { }
}
