using Descent.Checkpoints;
using Descent.Cli;
using Descent.Data;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Tests.Checkpoints;
using Descent.Tests.Data;

namespace Descent.Tests.Failure;

/// <summary>Issue 17 (7, 8): checkpoint contents are checked at load, and a resume on other data is refused.</summary>
public sealed class CheckpointContentTests
{
    private static readonly OptimizerSpec Adam = new("adam", new Dictionary<string, object> { ["lr"] = 0.01 });

    private static TrainingOptions Options => new() { Epochs = 3, BatchSize = 20, Seed = 4 };

    private static Trainer Trained(Problem problem, ProblemData? data = null)
    {
        var trainer = new Trainer(problem, data ?? problem.LoadData(null), Adam, Options);
        trainer.RunThrough(1);
        return trainer;
    }

    [Fact]
    public void AMissingOptimizerBufferIsAnErrorNamingTheEntry()
    {
        using var dir = new TempDirectory();
        var trainer = Trained(new TinyProblem());
        var state = trainer.Optimizer.StateDict();
        string removed = state.Buffers.Keys.First(k => k.EndsWith(".exp_avg_sq", StringComparison.Ordinal));
        state.Buffers.Remove(removed);
        trainer.Optimizer.LoadStateDict(state);   // the optimizer alone accepts a partial state, as torch does
        string path = Path.Combine(dir.Path, "partial.safetensors");
        TrainingCheckpoint.Save(path, trainer);

        var fresh = new Trainer(new TinyProblem(), new TinyProblem().LoadData(null), Adam, Options);
        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path).ApplyTo(fresh));
        Assert.Contains($"optimizer entry 'optim.{removed}' is missing", e.Message);
        Assert.Contains(path, e.Message);
        Assert.Equal(ExitCodes.BadData, DescentCli.Describe(e).Code);
    }

    [Fact]
    public void ACompleteCheckpointStillResumes()
    {
        using var dir = new TempDirectory();
        var trainer = Trained(new TinyProblem(batchNorm: true));
        string path = Path.Combine(dir.Path, "ok.safetensors");
        TrainingCheckpoint.Save(path, trainer);
        var fresh = new Trainer(new TinyProblem(batchNorm: true), new TinyProblem(batchNorm: true).LoadData(null), Adam, Options);
        var checkpoint = TrainingCheckpoint.Load(path);
        checkpoint.ApplyTo(fresh);
        Assert.Null(checkpoint.DataNote);
        Assert.Equal(trainer.GlobalStep, fresh.GlobalStep);
    }

    [Fact]
    public void ANonFiniteWeightIsAnErrorNamingTheWeight()
    {
        using var dir = new TempDirectory();
        var trainer = Trained(new TinyProblem());
        string path = Path.Combine(dir.Path, "ok.safetensors"), bad = Path.Combine(dir.Path, "nan.safetensors");
        TrainingCheckpoint.Save(path, trainer);
        string weight = trainer.Model.NamedParameters()[0].Name;
        Resign(path, bad, (name, tensor) =>
        {
            if (name != weight) return tensor;
            var values = tensor.ToFloats();
            values[0] = float.NaN;
            return SafetensorsTensor.FromFloats(values, [.. tensor.Shape.Select(d => (int)d)]);
        }, null);
        var fresh = new Trainer(new TinyProblem(), new TinyProblem().LoadData(null), Adam, Options);
        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(bad).ApplyTo(fresh));
        Assert.Contains($"weight '{weight}' holds NaN or infinity", e.Message);
    }

    [Fact]
    public void ResumingOnOtherDataIsRefusedNamingTheFingerprints()
    {
        using var dir = new TempDirectory();
        var problem = new TinyProblem();
        var trainer = Trained(problem);
        string path = Path.Combine(dir.Path, "ckpt.safetensors");
        TrainingCheckpoint.Save(path, trainer);

        var data = problem.LoadData(null);
        data.Train.Features[5] += 1f;   // same shape, other values
        var other = new Trainer(new TinyProblem(), data, Adam, Options);
        var e = Assert.Throws<CheckpointMismatchException>(() => TrainingCheckpoint.Load(path).ApplyTo(other));
        Assert.Contains("different data", e.Message);
        Assert.Contains(trainer.DataFingerprint, e.Message);
        Assert.Contains(other.DataFingerprint, e.Message);
        Assert.NotEqual(trainer.DataFingerprint, other.DataFingerprint);
    }

    [Fact]
    public void ACheckpointWithoutAFingerprintIsStillReadableWithANote()
    {
        using var dir = new TempDirectory();
        var trainer = Trained(new TinyProblem());
        string path = Path.Combine(dir.Path, "new.safetensors"), old = Path.Combine(dir.Path, "old.safetensors");
        TrainingCheckpoint.Save(path, trainer);
        Resign(path, old, (_, t) => t, key => key != "train.data");
        var fresh = new Trainer(new TinyProblem(), new TinyProblem().LoadData(null), Adam, Options);
        var checkpoint = TrainingCheckpoint.Load(old);
        Assert.Null(checkpoint.DataFingerprint);
        checkpoint.ApplyTo(fresh);
        Assert.Contains("no data fingerprint", checkpoint.DataNote);
    }

    [Fact]
    public void TheCliRefusesAResumeOnOtherDataOfTheSameShape()
    {
        using var first = new Cli.SyntheticMnist(trainCount: 200, testCount: 50);
        using var second = new Cli.SyntheticMnist(trainCount: 200, testCount: 50);
        var labels = new byte[200];
        for (int i = 0; i < labels.Length; i++) labels[i] = (byte)((i + 1) % 4);   // other labels, same shape
        Cli.SyntheticMnist.WriteIdx(second.PathOf("train-labels-idx1-ubyte.gz"), [200], labels, gzip: true);
        using var dir = new TempDirectory();
        string[] Train(string data, string epochs, params string[] more) =>
            ["train", "--data", data, "--lr", "0.1", "--epochs", epochs, "--batch-size", "50", "--no-progress", "--threads", "1",
             "--checkpoint-every", "4", "--checkpoint-dir", dir.Path, .. more];
        Assert.Equal(ExitCodes.Success, Cli.CliRunner.Run(Train(first.Directory, "2")).ExitCode);
        var r = Cli.CliRunner.Run(Train(second.Directory, "2", "--resume"));
        Assert.Equal(ExitCodes.BadData, r.ExitCode);
        Assert.Contains("was written for different data", r.Error);
    }

    /// <summary>Copies a checkpoint, changing tensors and dropping metadata keys, with a valid checksum.</summary>
    private static void Resign(string from, string to, Func<string, SafetensorsTensor, SafetensorsTensor> change, Func<string, bool>? keepKey)
    {
        var file = SafetensorsReader.Read(from);
        var tensors = file.InOrder().Select(kv => new KeyValuePair<string, SafetensorsTensor>(kv.Key, change(kv.Key, kv.Value))).ToList();
        var meta = file.Metadata.Where(kv => kv.Key != CheckpointChecksum.MetadataKey && (keepKey?.Invoke(kv.Key) ?? true)).ToList();
        var unsigned = new SafetensorsFile(tensors, meta);
        meta.Add(new(CheckpointChecksum.MetadataKey, CheckpointChecksum.Compute(unsigned.Tensors, unsigned.Metadata)));
        using var stream = File.Create(to);
        SafetensorsWriter.Write(stream, new SafetensorsFile(tensors, meta));
    }
}
