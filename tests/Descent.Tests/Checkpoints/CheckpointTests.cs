using Descent.Checkpoints;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Checkpoints;

public sealed class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static Sequential Model(ulong seed, int hidden = 5, bool batchNorm = false)
    {
        var rng = new Rng(seed);
        return batchNorm
            ? new Sequential(new Linear(4, hidden, rng), new BatchNorm1d(hidden), new ReLU(), new Linear(hidden, 3, rng))
            : new Sequential(new Linear(4, hidden, rng), new ReLU(), new Linear(hidden, 3, rng));
    }

    private static Optimizer Create(string name, Module model, double lr = 0.01) =>
        OptimizerCatalog.Create(name, model.NamedParameters(), new TorchOptions(new Dictionary<string, object> { ["lr"] = lr }));

    /// <summary>A few training steps on fixed random data, so the optimizer has state.</summary>
    private static void Train(Module model, Optimizer optimizer, int steps, ulong seed = 9)
    {
        var rng = new Rng(seed);
        for (int s = 0; s < steps; s++)
        {
            var x = Tensor.Normal(rng, 0, 1, 6, 4);
            var loss = Losses.CrossEntropy(model.Forward(x), [0, 1, 2, 0, 1, 2]);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
        }
    }

    private static void AssertSameWeights(Module expected, Module actual)
    {
        var a = expected.NamedParameters().Select(p => (p.Name, p.Value)).Concat(expected.NamedBuffers()).ToList();
        var b = actual.NamedParameters().Select(p => (p.Name, p.Value)).Concat(actual.NamedBuffers()).ToList();
        Assert.Equal(a.Select(p => p.Name), b.Select(p => p.Name));
        for (int i = 0; i < a.Count; i++) Assert.Equal(a[i].Value.ToArray(), b[i].Value.ToArray());
    }

    private static void AssertSameState(Optimizer expected, Optimizer actual)
    {
        var a = expected.StateDict();
        var b = actual.StateDict();
        Assert.Equal(a.Steps.OrderBy(kv => kv.Key), b.Steps.OrderBy(kv => kv.Key));
        Assert.Equal(a.Scalars.OrderBy(kv => kv.Key), b.Scalars.OrderBy(kv => kv.Key));
        Assert.Equal(a.Buffers.Keys.Order(), b.Buffers.Keys.Order());
        foreach (var (key, value) in a.Buffers) Assert.Equal(value.ToArray(), b.Buffers[key].ToArray());
    }

    [Theory]
    [InlineData("adam")]
    [InlineData("asgd")]
    [InlineData("nadam")]
    [InlineData("sgd")]
    [InlineData("rprop")]
    public void SaveThenLoadRestoresWeightsAndOptimizerStateExactly(string optimizerName)
    {
        var model = Model(1, batchNorm: true);
        var optimizer = Create(optimizerName, model);
        Train(model, optimizer, 3);
        string path = PathOf("c.safetensors");
        Checkpoint.Save(path, model, optimizer, new Dictionary<string, string> { ["note"] = "three steps" });

        var other = Model(2, batchNorm: true);
        var otherOptimizer = Create(optimizerName, other);
        var checkpoint = Checkpoint.Load(path);
        checkpoint.ApplyTo(other);
        checkpoint.ApplyTo(otherOptimizer);
        AssertSameWeights(model, other);
        AssertSameState(optimizer, otherOptimizer);
        Assert.Equal("three steps", checkpoint.Metadata["note"]);

        // Continuing both gives the same numbers.
        Train(model, optimizer, 2, seed: 77);
        Train(other, otherOptimizer, 2, seed: 77);
        AssertSameWeights(model, other);
    }

    [Fact]
    public void TheLayoutIsReadableWithoutDescent()
    {
        var model = Model(1, batchNorm: true);
        var optimizer = Create("asgd", model);
        Train(model, optimizer, 2);
        string path = PathOf("layout.safetensors");
        Checkpoint.Save(path, model, optimizer);

        var contents = MinimalSafetensors.Read(File.ReadAllBytes(path));
        // Weights and buffers under PyTorch's state_dict names, as F32 with the model's shapes.
        Assert.Equal(model.NamedParameters()[0].Value.ToArray(), MinimalSafetensors.Floats(contents.Tensors["0.weight"]));
        Assert.Equal([5L, 4L], contents.Tensors["0.weight"].Shape);
        Assert.Equal(((BatchNorm1d)((Sequential)model).Layers[1]).RunningMean!.ToArray(), MinimalSafetensors.Floats(contents.Tensors["1.running_mean"]));
        // Optimizer state: buffers F32, per-parameter steps I64 scalars, scalars F64 scalars.
        var state = optimizer.StateDict();
        Assert.Equal(state.Buffers["0.weight.ax"].ToArray(), MinimalSafetensors.Floats(contents.Tensors["optim.0.weight.ax"]));
        Assert.Equal(2L, MinimalSafetensors.Int64(contents.Tensors["optim.0.weight.step"]));
        Assert.Equal(state.Scalars["0.weight.eta"], MinimalSafetensors.Float64(contents.Tensors["optim.0.weight.eta"]));
        Assert.Equal(state.Scalars["0.weight.mu"], MinimalSafetensors.Float64(contents.Tensors["optim.0.weight.mu"]));
        Assert.Equal("descent-checkpoint", contents.Metadata["format"]);
        Assert.Equal("1", contents.Metadata["format_version"]);
        Assert.Equal("ASGD", contents.Metadata["optim.type"]);
        Assert.Matches("^sha256:[0-9a-f]{64}$", contents.Metadata["checksum"]);
    }

    [Fact]
    public void ACheckpointOfAnotherModelIsRefusedNamingTheEntries()
    {
        var model = Model(1, hidden: 5);
        string path = PathOf("m.safetensors");
        Checkpoint.Save(path, model);
        var other = Model(2, hidden: 6, batchNorm: true);
        var before = other.NamedParameters().Select(p => p.Value.ToArray()).ToList();

        var e = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(path).ApplyTo(other));
        Assert.StartsWith(path + ": was written for a different model", e.Message);
        Assert.Contains("'0.weight' has shape [5, 4] in the checkpoint, [6, 4] in the model", e.Message);
        Assert.Contains("'1.running_mean' [6] is missing from the checkpoint", e.Differences);
        Assert.Contains("'2.weight' [3, 5] is in the checkpoint but not in the model", e.Differences);
        Assert.True(e.Differences.Count >= 5);
        Assert.Equal(before, other.NamedParameters().Select(p => p.Value.ToArray()).ToList()); // unchanged
    }

    [Fact]
    public void ACheckpointOfAnotherOptimizerIsRefused()
    {
        var model = Model(1);
        var adam = Create("adam", model);
        Train(model, adam, 1);
        string path = PathOf("o.safetensors");
        Checkpoint.Save(path, model, adam);
        var checkpoint = Checkpoint.Load(path);

        var e = Assert.Throws<CheckpointMismatchException>(() => checkpoint.ApplyTo(Create("sgd", model)));
        Assert.Contains("the checkpoint holds Adam state, this optimizer is Sgd", e.Message);

        Checkpoint.Save(PathOf("w.safetensors"), model);
        var weightsOnly = Checkpoint.Load(PathOf("w.safetensors"));
        Assert.Contains("holds no optimizer state", Assert.Throws<CheckpointMismatchException>(() => weightsOnly.ApplyTo(Create("adam", model))).Message);

        // Same optimizer class, parameters of another shape.
        var wide = Model(1, hidden: 7);
        var wideAdam = Create("adam", wide);
        var m = Assert.Throws<CheckpointMismatchException>(() => checkpoint.ApplyTo(wideAdam));
        Assert.Contains("'optim.0.weight.exp_avg' has shape [5, 4], parameter '0.weight' has shape [7, 4]", m.Message);
        Assert.Empty(wideAdam.StateDict().Steps);
    }

    [Fact]
    public void AFileThatIsNotADescentCheckpointIsRefused()
    {
        string path = PathOf("plain.safetensors");
        using (var f = File.Create(path))
            SafetensorsWriter.Write(f, new SafetensorsFile([new("w", SafetensorsTensor.FromFloats([1f], 1))]));
        var e = Assert.Throws<CheckpointFormatException>(() => Checkpoint.Load(path));
        Assert.Contains("not a Descent checkpoint", e.Message);
    }

    [Fact]
    public void ReservedMetadataKeysAreRejected()
    {
        Assert.Throws<ArgumentException>(() => Checkpoint.Save(PathOf("r.safetensors"), Model(1), null, new Dictionary<string, string> { ["checksum"] = "x" }));
        Assert.False(File.Exists(PathOf("r.safetensors")));
    }

    [Fact]
    public void AFailedSaveKeepsThePreviousFileAndRemovesThePartialOne()
    {
        var model = Model(1);
        string path = PathOf("keep.safetensors");
        Checkpoint.Save(path, model);
        byte[] good = File.ReadAllBytes(path);

        var changed = Model(5);
        var e = Assert.Throws<CheckpointWriteException>(() =>
            Checkpoint.SaveWith(path, changed, null, null, null, open: temp => new FailingStream(new FileStream(temp, FileMode.CreateNew), failAfter: 300)));
        Assert.StartsWith(path + ": could not write the file (No space left on device)", e.Message);
        Assert.Contains("nothing was replaced and the partial file was removed", e.Message);
        Assert.Equal(good, File.ReadAllBytes(path));
        Assert.Equal([path], Directory.GetFiles(_dir));
        Checkpoint.Load(path).ApplyTo(changed);
        AssertSameWeights(model, changed);
    }

    [Fact]
    public void ARealFullDeviceIsReportedAsAWriteError()
    {
        if (!File.Exists("/dev/full")) return; // Linux only
        string path = PathOf("full.safetensors");
        var e = Assert.Throws<CheckpointWriteException>(() =>
            Checkpoint.SaveWith(path, Model(1), null, null, null, open: _ => new FileStream("/dev/full", FileMode.Open, FileAccess.Write)));
        Assert.Contains("No space left on device", e.Message);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void AnUnwritableDirectoryIsAWriteErrorNamingIt()
    {
        string file = PathOf("a-file");
        File.WriteAllText(file, "x");
        string target = Path.Combine(file, "sub", "c.safetensors");
        var e = Assert.Throws<CheckpointWriteException>(() => Checkpoint.Save(target, Model(1)));
        Assert.StartsWith(target + ": could not write the file", e.Message);

        var d = Assert.Throws<CheckpointWriteException>(() => AtomicFile.EnsureWritableDirectory(Path.Combine(file, "sub")));
        Assert.StartsWith(Path.Combine(file, "sub") + ": cannot create the directory", d.Message);
        Assert.Contains("is a file", Assert.Throws<CheckpointWriteException>(() => AtomicFile.EnsureWritableDirectory(file)).Message);
    }

    /// <summary>A stream that fails like a full disk once <c>failAfter</c> bytes were written.</summary>
    private sealed class FailingStream(Stream inner, long failAfter) : Stream
    {
        private long _written;

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => _written; set => throw new NotSupportedException(); }
        public override void Flush() => inner.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            long room = failAfter - _written;
            if (buffer.Length > room)
            {
                inner.Write(buffer[..(int)Math.Max(room, 0)]);
                _written = failAfter;
                throw new IOException("No space left on device : '/somewhere'");
            }
            inner.Write(buffer);
            _written += buffer.Length;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }
}
