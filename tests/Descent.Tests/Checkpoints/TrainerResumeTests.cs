using Descent.Checkpoints;
using Descent.Lab.Schedules;
using Descent.Lab.Training;
using Descent.Optim;

namespace Descent.Tests.Checkpoints;

public sealed class TrainerResumeTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-resume-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private sealed class Stop : Exception;

    private static TrainingOptions Options(string[] schedules, int batch = 16) => new()
    {
        Epochs = 3,
        BatchSize = batch,
        EvalBatchSize = 32,
        Seed = 42,
        Schedules = schedules.Select(ScheduleSpec.Parse).ToArray(),
    };

    private static OptimizerSpec Spec(string name, double lr, params (string Key, object Value)[] extra) =>
        new(name, new Dictionary<string, object>(extra.Select(e => new KeyValuePair<string, object>(e.Key, e.Value))) { ["lr"] = lr });

    public static TheoryData<string, string, int> Cases => new()
    {
        // optimizer, schedules ("|"-separated), global step at which the run is interrupted
        { "sgd", "onecycle:max_lr=0.2", 1 },
        { "sgd", "onecycle:max_lr=0.2", 7 },   // the last batch of epoch 1, before its evaluation
        { "sgd", "onecycle:max_lr=0.2", 10 },
        { "adam", "cosine:T_max=3@epoch|beta1=ramp:start=0.8,end=0.9,steps=3@epoch", 12 },
        { "asgd", "", 9 },
        { "nadam", "", 20 },
        { "rmsprop", "plateau:factor=0.5,patience=0", 15 },
        { "adagrad", "", 14 },
        { "AdamWScheduleFree", "", 7 },   // saved at the evaluation point x; the state brings back y
        { "SGDScheduleFree", "", 10 },
        { "Lookahead", "step:step_size=1,gamma=0.5", 9 },
        { "LBFGS", "", 11 },   // several evaluations per step through a closure   // the inner optimizer's state and the counter travel too
        { RegisteredMomentum.Name, "step:step_size=1,gamma=0.5", 10 },   // a registered optimizer resumes as a built-in one
    };

    /// <summary>The lectures' SGD with momentum, registered by name: its "velocity" must travel through the checkpoint.</summary>
    private sealed class RegisteredMomentum(IEnumerable<Descent.Nn.NamedParameter> parameters, double lr, double momentum)
        : Optimizer<RegisteredMomentum.Options>(parameters, new Options { Lr = lr, Momentum = momentum })
    {
        public const string Name = "resume_momentum";

        public sealed class Options : OptimizerOptions
        {
            public double Momentum { get; set; }
        }

        static RegisteredMomentum() => OptimizerCatalog.Register(Name, (p, o) => new RegisteredMomentum(p, o.Number("lr", 0.01), o.Number("momentum", 0.9)));

        public static void EnsureRegistered() { }

        protected override void Update(Span<float> param, ReadOnlySpan<float> grad, Options o, ParameterState state)
        {
            var v = state.Buffer("velocity").Span;
            for (int i = 0; i < param.Length; i++)
            {
                v[i] = (float)o.Momentum * v[i] + grad[i];
                param[i] -= (float)o.Lr * v[i];
            }
        }
    }

    static TrainerResumeTests() => RegisteredMomentum.EnsureRegistered();

    private static OptimizerSpec SpecFor(string name) => name switch
    {
        "sgd" => Spec("sgd", 0.05, ("momentum", 0.9)),
        "rmsprop" => Spec("rmsprop", 0.01, ("momentum", 0.5)),
        RegisteredMomentum.Name => Spec(RegisteredMomentum.Name, 0.05, ("momentum", 0.9)),
        _ => Spec(name, 0.01),
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void AResumedRunEndsWithTheSameWeightsBitForBit(string optimizerName, string schedules, int stopAt)
    {
        var problem = new TinyProblem(batchNorm: true);
        var options = Options(schedules.Split('|', StringSplitOptions.RemoveEmptyEntries));
        var spec = SpecFor(optimizerName);

        var reference = new Trainer(problem, problem.LoadData(null), spec, options);
        reference.Run();

        var first = new Trainer(new TinyProblem(batchNorm: true), problem.LoadData(null), spec, options);
        string path = Path.Combine(_dir, $"{optimizerName}-{stopAt}.safetensors");
        Assert.Throws<Stop>(() => first.Run(new TrainingCallbacks { OnStep = (_, _) =>
        {
            if (first.GlobalStep != stopAt) return;
            TrainingCheckpoint.Save(path, first);
            throw new Stop();
        } }));

        // The trainer to restore into has moved on (weights, optimizer state, generator, loader, schedules), so only
        // a complete restore can reproduce the reference.
        var resumed = new Trainer(new TinyProblem(batchNorm: true), problem.LoadData(null), spec, options);
        resumed.RunThrough(1);
        Assert.Throws<Stop>(() => resumed.RunThrough(2, new TrainingCallbacks { OnStep = (_, step) => { if (step.Batch == 3) throw new Stop(); } }));
        var checkpoint = TrainingCheckpoint.Load(path);
        Assert.Equal(stopAt, checkpoint.State.Step);
        checkpoint.ApplyTo(resumed);
        Assert.Equal(stopAt, resumed.GlobalStep);
        resumed.Run();

        AssertSameModel(reference, resumed);
        Assert.Equal(Numbers(reference.History), Numbers(resumed.History));
        Assert.Equal(reference.GlobalStep, resumed.GlobalStep);
    }

    /// <summary>
    /// SAM (two forward passes per step, at θ and at the perturbed point) resumes as the same run, with and without
    /// batch norm: parameters, running statistics and optimizer state bit for bit. With batch norm this once failed
    /// because the uninterrupted run was wrong: SAM's "old_p" (θ, made between its two evaluations during the first
    /// step) came from the trainer's tensor arena, and from the next step on the second evaluation's batch-norm
    /// temporaries of the same length [16] were handed that storage and overwrote θ before SAM restored it, so
    /// 0.bias, 1.weight and 1.bias jumped each step. A resumed run's old_p came from the checkpoint and was not
    /// overwritten. Each step of the uninterrupted run is therefore also checked against SGD's rule,
    /// θ ← θ − lr·buf, for every parameter.
    /// </summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ASamRunResumedMidEpochIsTheSameRun(bool batchNorm)
    {
        var problem = new TinyProblem(batchNorm);
        var options = Options([]);
        var spec = Spec("SAM", 0.05, ("momentum", 0.9), ("rho", 0.1));
        var reference = new Trainer(problem, problem.LoadData(null), spec, options);
        var before = Weights(reference);
        reference.Run(new TrainingCallbacks { OnStep = (_, _) =>
        {
            var after = Weights(reference);
            var state = reference.Optimizer.StateDict().GlobalBuffers;
            foreach (var (name, value) in after)
            {
                var buf = state[$"base/buffer/{name}.momentum_buffer"].ToArray();
                for (int i = 0; i < value.Length; i++)
                    Assert.True(Math.Abs(value[i] - (before[name][i] - 0.05f * buf[i])) <= 1e-6f,
                        $"step {reference.GlobalStep}: '{name}'[{i}] is {value[i]}, not θ − lr·buf = {before[name][i] - 0.05f * buf[i]}");
            }
            before = after;
        } });

        var first = new Trainer(new TinyProblem(batchNorm), problem.LoadData(null), spec, options);
        string path = Path.Combine(_dir, "sam.safetensors");
        Assert.Throws<Stop>(() => first.Run(new TrainingCallbacks { OnStep = (_, _) =>
        {
            if (first.GlobalStep != 11) return;
            TrainingCheckpoint.Save(path, first);
            throw new Stop();
        } }));
        var resumed = new Trainer(new TinyProblem(batchNorm), problem.LoadData(null), spec, options);
        TrainingCheckpoint.Load(path).ApplyTo(resumed);
        resumed.Run();
        AssertSameModel(reference, resumed);
        Assert.Equal(Numbers(reference.History), Numbers(resumed.History));
        if (batchNorm) Assert.Contains(reference.Model.NamedBuffers(), b => b.Name == "1.running_mean");
    }

    private static Dictionary<string, float[]> Weights(Trainer trainer) =>
        trainer.Model.NamedParameters().ToDictionary(p => p.Name, p => p.Value.ToArray());

    [Fact]
    public void ARunResumedBetweenEpochsIsIdenticalToo()
    {
        var problem = new TinyProblem();
        var options = Options(["step:step_size=1,gamma=0.5"]);
        var spec = Spec("sgd", 0.1, ("momentum", 0.9), ("nesterov", true));
        var reference = new Trainer(problem, problem.LoadData(null), spec, options);
        reference.Run();

        var first = new Trainer(new TinyProblem(), problem.LoadData(null), spec, options);
        first.RunThrough(1);
        string path = Path.Combine(_dir, "boundary.safetensors");
        TrainingCheckpoint.Save(path, first);

        var resumed = new Trainer(new TinyProblem(), problem.LoadData(null), spec, options);
        resumed.RunThrough(2);
        TrainingCheckpoint.Load(path).ApplyTo(resumed);
        Assert.Equal(2, resumed.NextEpoch);
        Assert.Single(resumed.History);
        resumed.Run();
        AssertSameModel(reference, resumed);
        Assert.Equal(Numbers(reference.History), Numbers(resumed.History));
    }

    [Fact]
    public void ACheckpointOfADifferentRunIsRefusedNamingWhatDiffers()
    {
        var problem = new TinyProblem();
        var trainer = new Trainer(problem, problem.LoadData(null), Spec("sgd", 0.05), Options([]));
        trainer.RunThrough(1);
        string path = Path.Combine(_dir, "run.safetensors");
        TrainingCheckpoint.Save(path, trainer);
        var checkpoint = TrainingCheckpoint.Load(path);

        var other = new Trainer(problem, problem.LoadData(null), Spec("sgd", 0.1, ("momentum", 0.9)), Options([], batch: 20));
        var e = Assert.Throws<CheckpointMismatchException>(() => checkpoint.ApplyTo(other));
        Assert.StartsWith(path + ": was written by a run with a different configuration", e.Message);
        Assert.Contains("batch_size: the checkpoint has 16, this run 20", e.Differences);
        Assert.Contains("optimizer.lr: the checkpoint has 0.05, this run 0.1", e.Differences);
        Assert.Contains("optimizer.momentum: the checkpoint has 0, this run 0.9", e.Differences);

        var adam = new Trainer(problem, problem.LoadData(null), Spec("adam", 0.05), Options([]));
        Assert.Contains("optimizer: the checkpoint has Sgd, this run Adam", Assert.Throws<CheckpointMismatchException>(() => checkpoint.ApplyTo(adam)).Differences);

        // More epochs are allowed without schedules; a different non-finite policy too.
        var longer = new Trainer(problem, problem.LoadData(null), Spec("sgd", 0.05), Options([]) with { Epochs = 5, NonFinitePolicy = NonFinitePolicy.SkipStep });
        checkpoint.ApplyTo(longer);
        Assert.Equal(2, longer.NextEpoch);
    }

    [Fact]
    public void AWeightsFileIsNotACheckpointToResumeFrom()
    {
        var problem = new TinyProblem();
        var trainer = new Trainer(problem, problem.LoadData(null), Spec("sgd", 0.05), Options([]));
        trainer.RunThrough(1);
        string path = Path.Combine(_dir, "weights.safetensors");
        TrainingCheckpoint.SaveWeights(path, trainer);
        var e = Assert.Throws<CheckpointFormatException>(() => TrainingCheckpoint.Load(path));
        Assert.Contains("weights file", e.Message);

        var contents = MinimalSafetensors.Read(File.ReadAllBytes(path));
        Assert.Equal(trainer.Model.NamedParameters().Select(p => p.Name).Order(), contents.Tensors.Keys.Order());
    }

    [Theory]
    [InlineData(NonFinitePolicy.Throw)]
    [InlineData(NonFinitePolicy.SkipStep)]
    public void ANonFiniteLossStopsNamingTheStepOrIsSkipped(NonFinitePolicy policy)
    {
        var problem = new TinyProblem { PoisonLossAt = 10 };
        var trainer = new Trainer(problem, problem.LoadData(null), Spec("sgd", 0.05), Options([]) with { NonFinitePolicy = policy });
        if (policy == NonFinitePolicy.Throw)
        {
            var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run());
            Assert.Equal(10, e.Step);
            Assert.Equal(2, e.Epoch);
            Assert.Contains("the loss became NaN at epoch 2, step 3 of 7 (global step 10)", e.Message);
            Assert.Equal(9, trainer.GlobalStep);
        }
        else
        {
            trainer.Run();
            Assert.Equal(1, trainer.SkippedSteps);
            Assert.Null(trainer.FirstNonFiniteParameter());
            Assert.All(trainer.History, r => Assert.True(double.IsFinite(r.TrainLoss)));
        }
    }

    [Theory]
    [InlineData(NonFinitePolicy.Throw)]
    [InlineData(NonFinitePolicy.SkipStep)]
    public void ANonFiniteGradientStopsNamingTheParameterOrIsSkipped(NonFinitePolicy policy)
    {
        var problem = new TinyProblem { PoisonGradientAt = 4 };
        var trainer = new Trainer(problem, problem.LoadData(null), Spec("adam", 0.01), Options([]) with { NonFinitePolicy = policy });
        var before = new List<float[]>();
        if (policy == NonFinitePolicy.Throw)
        {
            var e = Assert.Throws<TrainingDivergedException>(() => trainer.Run(new TrainingCallbacks { OnStep = (_, _) =>
            {
                before.Clear();
                before.AddRange(trainer.Model.NamedParameters().Select(p => p.Value.ToArray()));
            } }));
            Assert.Equal(4, e.Step);
            Assert.Equal("0.weight", e.Parameter);
            Assert.Contains("the gradient of parameter '0.weight' holds NaN or infinity at epoch 1, step 4 of 7 (global step 4); nothing was updated", e.Message);
            Assert.IsType<NonFiniteGradientException>(e.InnerException);
            Assert.Equal(before, trainer.Model.NamedParameters().Select(p => p.Value.ToArray()).ToList()); // untouched
        }
        else
        {
            trainer.Run();
            Assert.Equal(1, trainer.SkippedSteps);
            Assert.Equal(1, trainer.Optimizer.SkippedSteps);
            Assert.Null(trainer.FirstNonFiniteParameter());
        }
    }

    [Fact]
    public void NoCheckpointIsWrittenOfNonFiniteWeights()
    {
        var problem = new TinyProblem();
        var trainer = new Trainer(problem, problem.LoadData(null), Spec("sgd", 0.05), Options([]));
        trainer.RunThrough(1);
        trainer.Model.NamedParameters()[2].Value.Span[0] = float.PositiveInfinity;
        string path = Path.Combine(_dir, "bad.safetensors");
        var e = Assert.Throws<TrainingDivergedException>(() => TrainingCheckpoint.Save(path, trainer));
        Assert.Contains("parameter '3.weight' holds NaN or infinity after step 7; no checkpoint was written", e.Message);
        Assert.False(File.Exists(path));
        Assert.Empty(Directory.GetFiles(_dir));
    }

    [Fact]
    public void TheDirectoryKeepsTheNewestCheckpointsAndIgnoresPartialOnes()
    {
        var problem = new TinyProblem();
        var trainer = new Trainer(problem, problem.LoadData(null), Spec("sgd", 0.05), Options([]));
        var directory = new CheckpointDirectory(Path.Combine(_dir, "run", "checkpoints"), keep: 2);
        directory.EnsureWritable();
        // What a process killed while writing leaves behind: a hidden temporary file, never a checkpoint name.
        string partial = Path.Combine(directory.Path, ".ckpt-000000099.safetensors.tmp-123-abcdef12");
        File.WriteAllBytes(partial, new byte[10]);
        trainer.Run(new TrainingCallbacks { OnStep = (_, _) =>
        {
            if (trainer.GlobalStep % 3 == 0) directory.Save(trainer);
        } });
        Assert.Equal([18L, 21L], directory.List().Select(c => c.Step));
        Assert.Equal(directory.PathFor(21), directory.Latest());
        Assert.EndsWith("ckpt-000000021.safetensors", directory.Latest());
        Assert.True(AtomicFile.IsTemporary(partial));
        Assert.Equal(1, directory.RemoveTemporaryFiles());
        Assert.False(File.Exists(partial));
        Assert.Equal(2, Directory.GetFiles(directory.Path).Length);

        // The file system's free space is known, so a checkpoint that cannot fit is refused before training.
        directory.EnsureSpace(1);
        var e = Assert.Throws<CheckpointWriteException>(() => directory.EnsureSpace(long.MaxValue));
        Assert.Contains("not enough free space for the checkpoints", e.Message);
    }

    private static void AssertSameModel(Trainer expected, Trainer actual)
    {
        var a = expected.Model.NamedParameters().Select(p => (p.Name, p.Value)).Concat(expected.Model.NamedBuffers()).ToList();
        var b = actual.Model.NamedParameters().Select(p => (p.Name, p.Value)).Concat(actual.Model.NamedBuffers()).ToList();
        Assert.Equal(a.Select(p => p.Name), b.Select(p => p.Name));
        for (int i = 0; i < a.Count; i++)
            Assert.True(a[i].Value.ToArray().AsSpan().SequenceEqual(b[i].Value.ToArray()), $"'{a[i].Name}' differs");
        var sa = expected.Optimizer.StateDict();
        var sb = actual.Optimizer.StateDict();
        foreach (var (key, value) in sa.Buffers) Assert.True(value.ToArray().AsSpan().SequenceEqual(sb.Buffers[key].ToArray()), $"optimizer buffer '{key}' differs");
        Assert.Equal(sa.Scalars.OrderBy(k => k.Key), sb.Scalars.OrderBy(k => k.Key));
    }

    private static List<(int, double, double, double, double)> Numbers(IEnumerable<EpochResult> history) =>
        history.Select(r => (r.Epoch, r.TrainLoss, r.TestLoss, r.TestAccuracy, r.Lr)).ToList();
}
