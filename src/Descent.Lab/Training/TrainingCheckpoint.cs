using System.Globalization;
using System.Text.Json;
using Descent.Checkpoints;

namespace Descent.Lab.Training;

/// <summary>
/// A <see cref="Trainer"/>'s complete state in a checkpoint file, for resuming a run with bit-identical results.
/// </summary>
/// <remarks>
/// <para>
/// On top of the <see cref="Checkpoint"/> layout (weights under their names, optimizer state under "optim.", a
/// checksum), it stores the <see cref="TrainingState"/> as metadata: "train.config" (the <see cref="RunConfig"/> as
/// JSON), "train.epoch", "train.next_batch", "train.step", "train.skipped_steps", "train.epoch_loss_sum",
/// "train.epoch_samples", "train.epoch_correct" (absent in checkpoints of earlier versions: 0), "train.rng" (the four xoshiro256** words and the spare normal, in hex),
/// "train.schedules" (each scheduler's state dict as JSON) and "train.history" (the completed epochs' results as
/// JSON). Numbers are written so they read back exactly ("R" format, or hex bits). Within an epoch the data
/// loader's sample order is the I32 tensor "extra.loader_order".
/// </para>
/// <para>
/// A checkpoint is only written while every weight is finite, so the last checkpoint of a diverged run is a good one.
/// </para>
/// </remarks>
public sealed class TrainingCheckpoint
{
    private const string ConfigKey = "train.config";
    private const string EpochKey = "train.epoch";
    private const string NextBatchKey = "train.next_batch";
    private const string StepKey = "train.step";
    private const string SkippedKey = "train.skipped_steps";
    private const string LossSumKey = "train.epoch_loss_sum";
    private const string SamplesKey = "train.epoch_samples";
    private const string CorrectKey = "train.epoch_correct";
    private const string RngKey = "train.rng";
    private const string SchedulesKey = "train.schedules";
    private const string HistoryKey = "train.history";
    private const string OrderName = "loader_order";
    private const string DataKey = "train.data";

    private TrainingCheckpoint(Checkpoint checkpoint, TrainingState state, RunConfig config)
    {
        Checkpoint = checkpoint;
        State = state;
        Config = config;
    }

    /// <summary>The file it was loaded from.</summary>
    public string Path => Checkpoint.Path;

    /// <summary>The verified checkpoint: weights and optimizer state.</summary>
    public Checkpoint Checkpoint { get; }

    /// <summary>Where the run was.</summary>
    public TrainingState State { get; }

    /// <summary>The configuration of the run that wrote it.</summary>
    public RunConfig Config { get; }

    /// <summary>
    /// Saves <paramref name="trainer"/>'s weights, optimizer state and training state to <paramref name="path"/>,
    /// atomically. Call it between steps (see <see cref="Trainer.CaptureState"/>). An optimizer with an evaluation
    /// point is switched to it first (<see cref="Trainer.UseEvaluationPoint"/>): the file holds the weights to evaluate,
    /// and the optimizer's state restores the training point exactly on resume.
    /// </summary>
    /// <exception cref="TrainingDivergedException">A weight holds NaN or ∞; nothing is written.</exception>
    /// <exception cref="CheckpointWriteException">The file could not be written; a previous file at the path is unchanged.</exception>
    public static void Save(string path, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        trainer.UseEvaluationPoint();
        var state = trainer.CaptureState();
        RequireFinite(trainer, state);
        var extras = new Dictionary<string, SafetensorsTensor>();
        if (state.Order is { } order) extras[OrderName] = SafetensorsTensor.FromInt32s(order, order.Length);
        var metadata = Metadata(trainer.Config, state);
        metadata[DataKey] = trainer.DataFingerprint;
        Checkpoint.Save(path, trainer.Model, trainer.Optimizer, metadata, extras);
    }

    /// <summary>
    /// Saves only the model's weights (and buffers) with the run's configuration and position as metadata: the file
    /// to hand to PyTorch (<c>model.load_state_dict(safetensors.torch.load_file(path))</c>) or to compare runs. An
    /// optimizer with an evaluation point is switched to it first (<see cref="Trainer.UseEvaluationPoint"/>).
    /// </summary>
    /// <exception cref="TrainingDivergedException">A weight holds NaN or ∞; nothing is written.</exception>
    /// <exception cref="CheckpointWriteException">The file could not be written.</exception>
    public static void SaveWeights(string path, Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        trainer.UseEvaluationPoint();
        var state = trainer.CaptureState();
        RequireFinite(trainer, state);
        var metadata = new Dictionary<string, string>
        {
            [ConfigKey] = trainer.Config.ToJson(),
            [EpochKey] = Text(state.Epoch),
            [StepKey] = Text(state.Step),
        };
        Checkpoint.Save(path, trainer.Model, optimizer: null, metadata);
    }

    private static void RequireFinite(Trainer trainer, TrainingState state)
    {
        if (trainer.FirstNonFiniteParameter() is { } bad)
            throw new TrainingDivergedException(
                $"parameter '{bad}' holds NaN or infinity after step {state.Step}; no checkpoint was written", state.Step, state.Epoch, bad);
    }

    /// <summary>Reads and verifies the checkpoint at <paramref name="path"/>, including its training state.</summary>
    /// <exception cref="FileNotFoundException">There is no such file.</exception>
    /// <exception cref="CheckpointFormatException">The file is corrupt, not a Descent checkpoint, or has no training state.</exception>
    public static TrainingCheckpoint Load(string path)
    {
        var checkpoint = Checkpoint.Load(path);
        var meta = new MetadataReader(checkpoint);
        if (checkpoint.OptimizerType is null)
            throw new CheckpointFormatException(path, "holds no optimizer state: it is a weights file (--save), not a checkpoint to resume from");
        RunConfig config;
        try { config = RunConfig.FromJson(meta.Required(ConfigKey)); }
        catch (FormatException e) { throw new CheckpointFormatException(path, $"metadata '{ConfigKey}': {e.Message}", e); }
        int[]? order = null;
        if (checkpoint.Extra(OrderName) is { } tensor)
        {
            if (tensor.DType != SafetensorsDType.I32 || tensor.Shape.Count != 1)
                throw new CheckpointFormatException(path, $"'{Checkpoint.ExtraPrefix}{OrderName}' must be a 1-D I32 tensor, not {tensor.DType.HeaderName()} {tensor.ShapeText}");
            order = tensor.ToInt32s();
        }
        var state = new TrainingState
        {
            Epoch = (int)meta.Integer(EpochKey, 1, int.MaxValue),
            NextBatch = (int)meta.Integer(NextBatchKey, 0, int.MaxValue),
            Order = order,
            EpochLossSum = meta.Number(LossSumKey),
            EpochSamples = meta.Integer(SamplesKey, 0, long.MaxValue),
            EpochCorrect = meta.OptionalInteger(CorrectKey, 0, long.MaxValue) ?? 0,
            Step = meta.Integer(StepKey, 0, long.MaxValue),
            SkippedSteps = meta.Integer(SkippedKey, 0, long.MaxValue),
            Rng = meta.Rng(RngKey),
            Schedules = meta.Schedules(SchedulesKey),
            History = meta.History(HistoryKey),
        };
        return new TrainingCheckpoint(checkpoint, state, config);
    }

    /// <summary>
    /// Refuses (with a <see cref="CheckpointMismatchException"/> naming every difference) to continue a run whose
    /// configuration differs from the checkpoint's; see <see cref="RunConfig.DifferencesFrom"/>.
    /// </summary>
    public void CheckCompatible(RunConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var differences = config.DifferencesFrom(Config);
        if (differences.Count > 0)
            throw new CheckpointMismatchException(Path, "was written by a run with a different configuration", differences);
    }

    /// <summary>
    /// Restores the weights, the optimizer state and the training state into <paramref name="trainer"/>, which
    /// must be freshly built with the checkpoint's configuration. On an error the trainer must not be used.
    /// </summary>
    /// <exception cref="CheckpointMismatchException">The configuration, model or optimizer does not match.</exception>
    /// <exception cref="CheckpointFormatException">The training state does not fit the trainer (such as a sample order of another
    /// length), a weight is not finite, or optimizer state that a step creates is missing.</exception>
    public void ApplyTo(Trainer trainer)
    {
        ArgumentNullException.ThrowIfNull(trainer);
        CheckCompatible(trainer.Config);
        CheckSameData(trainer);
        Checkpoint.ApplyTo(trainer.Model);
        if (trainer.FirstNonFiniteParameter() is { } bad)
            throw new CheckpointFormatException(Path, $"weight '{bad}' holds NaN or infinity: the checkpoint is damaged or was written after the run diverged");
        Checkpoint.ApplyTo(trainer.Optimizer);
        if (OptimizerStateCheck.Missing(trainer.OptimizerSpec, trainer.Optimizer) is { Count: > 0 } missing)
            throw new CheckpointFormatException(Path,
                $"optimizer entry '{Checkpoint.OptimizerPrefix}{missing[0]}' is missing{(missing.Count > 1 ? $" (and {missing.Count - 1} more)" : "")}: " +
                "the optimizer state is incomplete, and re-initializing it would not continue the run");
        try { trainer.RestoreState(State); }
        catch (ArgumentException e)
        {
            throw new CheckpointFormatException(Path, $"the training state does not fit this run: {InvalidOptionException.Describe(e)}", e);
        }
    }

    /// <summary>
    /// The fingerprint of the data the checkpoint was written with (<see cref="Training.DataFingerprint"/>), or
    /// null for a checkpoint written before fingerprints were recorded.
    /// </summary>
    public string? DataFingerprint => Checkpoint.Metadata.GetValueOrDefault(DataKey);

    /// <summary>Set by <see cref="ApplyTo"/> when the data could not be checked: the checkpoint has no fingerprint.</summary>
    public string? DataNote { get; private set; }

    private void CheckSameData(Trainer trainer)
    {
        if (DataFingerprint is not { } recorded)
        {
            DataNote = "the checkpoint records no data fingerprint (written by an older Descent), so the data was not checked";
            return;
        }
        string now = trainer.DataFingerprint;
        if (recorded != now)
            throw new CheckpointMismatchException(Path, "was written for different data",
                [$"data: the checkpoint's is {recorded}, this run's is {now}; resume with the --data of the original run"]);
    }

    private static Dictionary<string, string> Metadata(RunConfig config, TrainingState state) => new()
    {
        [ConfigKey] = config.ToJson(),
        [EpochKey] = Text(state.Epoch),
        [NextBatchKey] = Text(state.NextBatch),
        [StepKey] = Text(state.Step),
        [SkippedKey] = Text(state.SkippedSteps),
        [LossSumKey] = Text(state.EpochLossSum),
        [SamplesKey] = Text(state.EpochSamples),
        [CorrectKey] = Text(state.EpochCorrect),
        [RngKey] = RngText(state.Rng),
        [SchedulesKey] = JsonSerializer.Serialize(state.Schedules.Select(s => s.ToDictionary(kv => kv.Key, kv => Text(kv.Value)))),
        [HistoryKey] = JsonSerializer.Serialize(state.History.Select(r => new Dictionary<string, string>
        {
            ["epoch"] = Text(r.Epoch),
            ["train_loss"] = Text(r.TrainLoss),
            ["test_loss"] = Text(r.TestLoss),
            ["test_accuracy"] = Text(r.TestAccuracy),
            ["seconds"] = Text(r.Seconds),
            ["samples_per_second"] = Text(r.SamplesPerSecond),
            ["lr"] = Text(r.Lr),
            ["train_accuracy"] = Text(r.TrainAccuracy),
        })),
    };

    private static string RngText(RngState s) => string.Join(' ',
        s.S0.ToString("x16", CultureInfo.InvariantCulture), s.S1.ToString("x16", CultureInfo.InvariantCulture),
        s.S2.ToString("x16", CultureInfo.InvariantCulture), s.S3.ToString("x16", CultureInfo.InvariantCulture),
        s.SpareNormal is float f ? BitConverter.SingleToUInt32Bits(f).ToString("x8", CultureInfo.InvariantCulture) : "none");

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Reads typed values from a checkpoint's metadata; every problem names the key and the file.</summary>
    private sealed class MetadataReader(Checkpoint checkpoint)
    {
        public string Required(string key) =>
            checkpoint.Metadata.TryGetValue(key, out var value) ? value
                : throw new CheckpointFormatException(checkpoint.Path, $"metadata '{key}' is missing: this is not a training checkpoint");

        public long Integer(string key, long min, long max)
        {
            string text = Required(key);
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long v) || v < min || v > max)
                throw Bad(key, text, $"an integer from {min}");
            return v;
        }

        public long? OptionalInteger(string key, long min, long max) =>
            checkpoint.Metadata.ContainsKey(key) ? Integer(key, min, max) : null;

        public double Number(string key) => ParseNumber(key, Required(key));

        private double ParseNumber(string key, string text) =>
            double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double v) ? v : throw Bad(key, text, "a number");

        public RngState Rng(string key)
        {
            string text = Required(key);
            var parts = text.Split(' ');
            var words = new ulong[4];
            bool ok = parts.Length == 5;
            for (int i = 0; ok && i < 4; i++)
                ok = parts[i].Length == 16 && ulong.TryParse(parts[i], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out words[i]);
            float? spare = null;
            if (ok && parts[4] != "none")
            {
                ok = parts[4].Length == 8 && uint.TryParse(parts[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out uint bits);
                if (ok) spare = BitConverter.UInt32BitsToSingle(uint.Parse(parts[4], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
            }
            if (!ok || (words[0] | words[1] | words[2] | words[3]) == 0)
                throw Bad(key, text, "four non-zero 64-bit hex words and the spare normal's bits (or 'none')");
            return new RngState(words[0], words[1], words[2], words[3], spare);
        }

        public IReadOnlyList<IReadOnlyDictionary<string, double>> Schedules(string key)
        {
            string text = Required(key);
            var parsed = Json<List<Dictionary<string, string>>>(key, text);
            return parsed.Select(d => (IReadOnlyDictionary<string, double>)d.ToDictionary(kv => kv.Key, kv => ParseNumber($"{key}: {kv.Key}", kv.Value))).ToArray();
        }

        public IReadOnlyList<EpochResult> History(string key)
        {
            string text = Required(key);
            var parsed = Json<List<Dictionary<string, string>>>(key, text);
            return parsed.Select(d =>
            {
                double Get(string field) => d.TryGetValue(field, out var v) ? ParseNumber($"{key}: {field}", v) : throw Bad(key, text, $"entries with '{field}'");
                double epoch = Get("epoch");
                if (epoch < 1 || epoch != Math.Floor(epoch) || epoch > int.MaxValue) throw Bad(key, text, "entries with an epoch number >= 1");
                double trainAccuracy = d.ContainsKey("train_accuracy") ? Get("train_accuracy") : double.NaN;
                return new EpochResult((int)epoch, Get("train_loss"), Get("test_loss"), Get("test_accuracy"), Get("seconds"), Get("samples_per_second"), Get("lr"), trainAccuracy);
            }).ToArray();
        }

        private T Json<T>(string key, string text) where T : class
        {
            try { return JsonSerializer.Deserialize<T>(text) ?? throw Bad(key, text, "a JSON value"); }
            catch (JsonException e) { throw new CheckpointFormatException(checkpoint.Path, $"metadata '{key}' is not valid: {e.Message}", e); }
        }

        private CheckpointFormatException Bad(string key, string text, string expected) =>
            new(checkpoint.Path, $"metadata '{key}' must be {expected}, not '{(text.Length > 60 ? text[..60] + "…" : text)}'");
    }
}
