using Descent.Checkpoints;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;
using static Descent.Tests.Optim.OptimTestKit;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Tests.Optim;

/// <summary>
/// LBFGS inside the optimizer contract: its state in state dicts and checkpoints (resume equals an uninterrupted
/// run, bit for bit), one parameter group, clipping refused, the non-finite policy and weight averaging applied.
/// </summary>
public sealed class LBFGSContractTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("descent-lbfgs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    /// <summary>A small tanh network fitted to fixed random targets by LBFGS; the closure can poison one call.</summary>
    private sealed class Run
    {
        private static readonly Tensor X = Data(7, 8, 4), Y = Data(8, 8, 2);
        private long _calls;

        public Run(string? lineSearch, ulong seed = 1, int historySize = 3)
        {
            var rng = new Rng(seed);
            Model = new Sequential(new Linear(4, 5, rng), new Tanh(), new Linear(5, 2, rng));
            Opt = new LBFGS(Model.NamedParameters(), new LBFGSOptions { Lr = 0.5, MaxIter = 4, HistorySize = historySize, LineSearchFn = lineSearch });
            Closure = () =>
            {
                long call = ++_calls;
                Opt.ZeroGrad();
                var loss = (Model.Forward(X) - Y).Square().Sum() * 0.5f;
                if (call == NaNLossAt) loss = loss + Tensor.Scalar(float.NaN); // the gradient stays finite
                loss.Backward();
                if (call == NaNGradientAt) Model.NamedParameters()[2].Value.Grad!.Span[1] = float.NaN;
                return loss;
            };
        }

        public Sequential Model { get; }
        public LBFGS Opt { get; }
        public Func<Tensor> Closure { get; }
        public long Calls => _calls;
        public long? NaNGradientAt { get; set; }
        public long? NaNLossAt { get; set; }

        public void Steps(int count)
        {
            for (int i = 0; i < count; i++) Opt.Step(Closure);
        }

        public float[][] Weights() => Model.NamedParameters().Select(p => p.Value.ToArray()).ToArray();

        public void CopyWeightsFrom(Run other)
        {
            var mine = Model.NamedParameters();
            var theirs = other.Model.NamedParameters();
            for (int i = 0; i < mine.Count; i++) theirs[i].Value.Span.CopyTo(mine[i].Value.Span);
        }

        private static Tensor Data(ulong seed, int rows, int cols)
        {
            var rng = new Rng(seed);
            return Tensor.FromArray(Enumerable.Range(0, rows * cols).Select(_ => rng.NextNormal()).ToArray(), rows, cols);
        }
    }

    private static void AssertSameWeights(float[][] expected, float[][] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++) AssertBitEqual(expected[i], actual[i]);
    }

    private static void AssertSameState(OptimizerStateDict expected, OptimizerStateDict actual)
    {
        Assert.Equal(expected.Steps.OrderBy(kv => kv.Key), actual.Steps.OrderBy(kv => kv.Key));
        Assert.Equal(expected.Buffers.Keys.Order(), actual.Buffers.Keys.Order());
        Assert.Equal(expected.GlobalScalars.Keys.Order(), actual.GlobalScalars.Keys.Order());
        foreach (var (key, value) in expected.GlobalScalars)
            Assert.True(BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(actual.GlobalScalars[key]), $"{key}: {value:R} vs {actual.GlobalScalars[key]:R}");
        Assert.Equal(expected.GlobalBuffers.Keys.Order(), actual.GlobalBuffers.Keys.Order());
        foreach (var (key, value) in expected.GlobalBuffers)
        {
            Assert.Equal(value.Shape, actual.GlobalBuffers[key].Shape);
            AssertBitEqual(value.ToArray(), actual.GlobalBuffers[key].ToArray());
        }
    }

    private static OptimizerStateDict CopyOf(OptimizerStateDict dict)
    {
        var copy = new OptimizerStateDict();
        foreach (var (k, v) in dict.GlobalScalars) copy.GlobalScalars[k] = v;
        foreach (var (k, v) in dict.GlobalBuffers) copy.GlobalBuffers[k] = v.Clone();
        return copy;
    }

    [Theory]
    [InlineData(null)]
    [InlineData("strong_wolfe")]
    public void ResumingFromAStateDictEqualsAnUninterruptedRun(string? lineSearch)
    {
        var whole = new Run(lineSearch);
        whole.Steps(7);

        var first = new Run(lineSearch);
        first.Steps(3);
        var dict = first.Opt.StateDict();
        Assert.Empty(dict.Steps);
        Assert.Equal(3, dict.GlobalBuffers["old_dirs"].Shape[0]); // the history is full and has wrapped
        Assert.Equal(new Shape((int)first.Model.ParameterCount()), dict.GlobalBuffers["d"].Shape);

        var resumed = new Run(lineSearch, seed: 99);
        resumed.CopyWeightsFrom(first);
        resumed.Opt.LoadStateDict(dict);
        AssertSameState(dict, resumed.Opt.StateDict());
        resumed.Steps(4);

        AssertSameWeights(whole.Weights(), resumed.Weights());
        Assert.Equal(whole.Opt.Iterations, resumed.Opt.Iterations);
        Assert.Equal(whole.Opt.FunctionEvaluations, resumed.Opt.FunctionEvaluations);
        AssertSameState(whole.Opt.StateDict(), resumed.Opt.StateDict());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("strong_wolfe")]
    public void ResumingFromACheckpointFileEqualsAnUninterruptedRun(string? lineSearch)
    {
        var whole = new Run(lineSearch);
        whole.Steps(6);

        var first = new Run(lineSearch);
        first.Steps(2);
        string path = Path.Combine(_dir, "lbfgs.safetensors");
        Checkpoint.Save(path, first.Model, first.Opt);

        var checkpoint = Checkpoint.Load(path);
        Assert.Contains(Checkpoint.OptimizerGlobalPrefix + "old_stps", checkpoint.Tensors.Keys);
        Assert.Contains(Checkpoint.OptimizerGlobalPrefix + "n_iter", checkpoint.Tensors.Keys);
        var resumed = new Run(lineSearch, seed: 99);
        checkpoint.ApplyTo(resumed.Model);
        checkpoint.ApplyTo(resumed.Opt);
        resumed.Steps(4);

        AssertSameWeights(whole.Weights(), resumed.Weights());
        Assert.Equal(whole.Opt.Iterations, resumed.Opt.Iterations);
        Assert.Equal(whole.Opt.FunctionEvaluations, resumed.Opt.FunctionEvaluations);
        AssertSameState(whole.Opt.StateDict(), resumed.Opt.StateDict());
    }

    [Fact]
    public void LoadingTheStateOfAFreshOptimizerResetsIt()
    {
        var fresh = new Run(null);
        Assert.Empty(fresh.Opt.StateDict().GlobalScalars);
        var used = new Run(null);
        used.Steps(2);
        used.CopyWeightsFrom(fresh);
        used.Opt.LoadStateDict(fresh.Opt.StateDict());
        Assert.Equal(0, used.Opt.Iterations);
        fresh.Steps(2);
        used.Steps(2);
        AssertSameWeights(fresh.Weights(), used.Weights());
        AssertSameState(fresh.Opt.StateDict(), used.Opt.StateDict());
    }

    public static TheoryData<string, string> BadStates => new()
    {
        { "d has the wrong length", "d" },
        { "prev_flat_grad is not a vector", "prev_flat_grad" },
        { "old_stps has fewer rows than old_dirs", "old_stps" },
        { "ro is missing", "ro" },
        { "ro has the wrong length", "ro" },
        { "old_dirs has the wrong width", "old_dirs" },
        { "n_iter is not a whole number", "n_iter" },
        { "func_evals is negative", "func_evals" },
        { "t is missing", "t" },
        { "an unknown entry", "momentum_buffer" },
        { "d is a scalar", "d" },
        { "history with n_iter 0", "n_iter" },
    };

    [Theory]
    [MemberData(nameof(BadStates))]
    public void AnInconsistentStateIsRefusedNamingTheEntryAndNothingChanges(string what, string entry)
    {
        var source = new Run(null);
        source.Steps(3);
        var bad = CopyOf(source.Opt.StateDict());
        int numel = bad.GlobalBuffers["d"].Length;
        var dirs = bad.GlobalBuffers["old_dirs"];
        switch (what)
        {
            case "d has the wrong length": bad.GlobalBuffers["d"] = Tensor.Zeros(numel + 1); break;
            case "prev_flat_grad is not a vector": bad.GlobalBuffers["prev_flat_grad"] = Tensor.Zeros(1, numel); break;
            case "old_stps has fewer rows than old_dirs": bad.GlobalBuffers["old_stps"] = Tensor.Zeros(dirs.Shape[0] - 1, numel); break;
            case "ro is missing": bad.GlobalBuffers.Remove("ro"); break;
            case "ro has the wrong length": bad.GlobalBuffers["ro"] = Tensor.Zeros(dirs.Shape[0] + 1); break;
            case "old_dirs has the wrong width": bad.GlobalBuffers["old_dirs"] = Tensor.Zeros(dirs.Shape[0], numel - 1); break;
            case "n_iter is not a whole number": bad.GlobalScalars["n_iter"] = 2.5; break;
            case "func_evals is negative": bad.GlobalScalars["func_evals"] = -1; break;
            case "t is missing": bad.GlobalScalars.Remove("t"); break;
            case "an unknown entry": bad.GlobalBuffers["momentum_buffer"] = Tensor.Zeros(numel); break;
            case "d is a scalar": bad.GlobalBuffers.Remove("d"); bad.GlobalScalars["d"] = 1; break;
            case "history with n_iter 0": bad.GlobalScalars["n_iter"] = 0; break;
        }
        var target = new Run(null, seed: 5);
        target.Steps(2);
        var before = target.Opt.StateDict();
        var e = Assert.Throws<ArgumentException>(() => target.Opt.LoadStateDict(bad));
        Assert.Contains($"'{entry}'", e.Message);
        Assert.Equal("dict", e.ParamName);
        AssertSameState(before, target.Opt.StateDict());
    }

    [Fact]
    public void MoreHistoryThanHistorySizeIsRefused()
    {
        var source = new Run(null, historySize: 3);
        source.Steps(3);
        var target = new Run(null, historySize: 2);
        var e = Assert.Throws<ArgumentException>(() => target.Opt.LoadStateDict(source.Opt.StateDict()));
        Assert.Contains("'old_dirs'", e.Message);
        Assert.Contains("history_size 2", e.Message);
        Assert.Equal(0, target.Opt.Iterations);
    }

    [Fact]
    public void ACheckpointWithBadOptimizerWideStateIsAMismatch()
    {
        var run = new Run(null);
        run.Steps(1);
        string path = Path.Combine(_dir, "bad.safetensors");
        Checkpoint.Save(path, run.Model, run.Opt);
        // An LBFGS checkpoint applied to another optimizer: optimizer-wide entries an SGD has no place for.
        var sgd = OptimizerCatalog.Create("sgd", run.Model.NamedParameters(), new TorchOptions(new Dictionary<string, object> { ["lr"] = 0.1 }));
        var state = run.Opt.StateDict();
        var e = Assert.Throws<ArgumentException>(() => sgd.LoadStateDict(state));
        Assert.Contains("optimizer-wide", e.Message);
        Assert.Contains("keeps no optimizer-wide state", e.Message);
        // A corrupt global entry in the file (a vector where a scalar belongs) is reported by name.
        var resumed = new Run(null, seed: 3);
        var other = Path.Combine(_dir, "other.safetensors");
        var file = SafetensorsReader.Read(path);
        var tensors = file.InOrder().Select(kv => kv.Key == Checkpoint.OptimizerGlobalPrefix + "t"
            ? new KeyValuePair<string, SafetensorsTensor>(kv.Key, SafetensorsTensor.FromDoubles([1.0, 2.0], 2)) : kv).ToList();
        var meta = file.Metadata.Where(kv => kv.Key != CheckpointChecksum.MetadataKey).ToList();
        var unsigned = new SafetensorsFile(tensors, meta);
        meta.Add(new(CheckpointChecksum.MetadataKey, CheckpointChecksum.Compute(unsigned.Tensors, unsigned.Metadata)));
        using (var stream = File.Create(other)) SafetensorsWriter.Write(stream, new SafetensorsFile(tensors, meta));
        var m = Assert.Throws<CheckpointMismatchException>(() => Checkpoint.Load(other).ApplyTo(resumed.Opt));
        Assert.Contains("optim.@global.t", m.Message);
        Assert.Equal(0, resumed.Opt.Iterations);
    }

    [Fact]
    public void ClippingIsRefusedWithAReason()
    {
        var run = new Run(null);
        var e = Assert.Throws<NotSupportedException>(() => run.Opt.Clipping = GradientClipping.ByNorm(1));
        Assert.Contains("curvature", e.Message);
        Assert.Throws<NotSupportedException>(() => ((Optimizer)run.Opt).Clipping = GradientClipping.ByValue(1));
        Assert.Null(run.Opt.Clipping);
        run.Opt.Clipping = null;
        Assert.Null(run.Opt.Clipping);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("strong_wolfe")]
    public void ThrowNamesTheParameterAndChangesNothing(string? lineSearch)
    {
        foreach (int evaluation in new[] { 1, 3 })
        {
            var run = new Run(lineSearch);
            run.Steps(2);
            var weights = run.Weights();
            var state = run.Opt.StateDict();
            run.NaNGradientAt = run.Calls + evaluation;
            var e = Assert.Throws<NonFiniteGradientException>(() => run.Opt.Step(run.Closure));
            Assert.Equal(run.Model.NamedParameters()[2].Name, e.Parameter);
            Assert.Equal(3, e.Step);
            Assert.Equal(run.NaNGradientAt, run.Calls); // abandoned at the poisoned evaluation
            AssertSameWeights(weights, run.Weights());
            AssertSameState(state, run.Opt.StateDict());
            Assert.Equal(2, run.Opt.StepCount);
        }
    }

    [Theory]
    [InlineData(null, 1)]
    [InlineData(null, 3)]
    [InlineData("strong_wolfe", 1)]
    [InlineData("strong_wolfe", 3)]
    public void SkipStepLeavesEverythingAsItWasAndTheRunContinuesAsIfItHadNotHappened(string? lineSearch, int evaluation)
    {
        var clean = new Run(lineSearch);
        clean.Steps(4);

        var run = new Run(lineSearch);
        run.Opt.NonFinitePolicy = NonFinitePolicy.SkipStep;
        run.Steps(2);
        var weights = run.Weights();
        var state = run.Opt.StateDict();
        run.NaNGradientAt = run.Calls + evaluation;
        run.Opt.Step(run.Closure);
        Assert.Equal(run.NaNGradientAt, run.Calls);
        Assert.Equal(1, run.Opt.SkippedSteps);
        Assert.Equal(2, run.Opt.StepCount);
        AssertSameWeights(weights, run.Weights());
        AssertSameState(state, run.Opt.StateDict());
        run.Steps(2);

        AssertSameWeights(clean.Weights(), run.Weights());
        AssertSameState(clean.Opt.StateDict(), run.Opt.StateDict());
        Assert.Equal(4, run.Opt.StepCount);
    }

    [Fact]
    public void ANonFiniteLossIsRefusedUnderThrowAndPassesUnderPropagate()
    {
        var run = new Run(null);
        run.Steps(1);
        var weights = run.Weights();
        run.NaNLossAt = run.Calls + 1;
        var e = Assert.Throws<NonFiniteLossException>(() => run.Opt.Step(run.Closure));
        Assert.True(double.IsNaN(e.Loss));
        Assert.Equal(2, e.Step);
        Assert.Equal("", e.Parameter);
        Assert.Contains("the loss is NaN at step 2", e.Message);
        // A handler of non-finite gradients (the run diverged) sees it too.
        Assert.IsAssignableFrom<NonFiniteGradientException>(e);
        AssertSameWeights(weights, run.Weights());

        var torchLike = new Run(null);
        torchLike.Opt.NonFinitePolicy = NonFinitePolicy.Propagate;
        torchLike.Steps(1);
        torchLike.NaNLossAt = torchLike.Calls + 1;
        Assert.True(float.IsNaN(torchLike.Opt.Step(torchLike.Closure).Item()));
        Assert.Equal(2, torchLike.Opt.StepCount);
    }

    [Fact]
    public void PropagateLetsANonFiniteGradientThroughAsTorch()
    {
        var run = new Run(null);
        run.Opt.NonFinitePolicy = NonFinitePolicy.Propagate;
        run.NaNGradientAt = 1;
        run.Opt.Step(run.Closure);
        Assert.Contains(run.Weights().SelectMany(w => w), float.IsNaN);
        Assert.Equal(1, run.Opt.StepCount);
        Assert.Equal(0, run.Opt.SkippedSteps);
    }

    [Fact]
    public void TheAverageIsUpdatedOnceAfterEachStepAndStepCountCountsSteps()
    {
        var run = new Run("strong_wolfe");
        run.Opt.Average = new WeightAverage(0.75);
        var names = run.Model.NamedParameters().Select(p => p.Name).ToArray();
        run.Steps(1);
        var afterOne = run.Weights();
        for (int i = 0; i < names.Length; i++) AssertBitEqual(afterOne[i], run.Opt.Average[names[i]].ToArray());
        run.Steps(1);
        var afterTwo = run.Weights();
        for (int i = 0; i < names.Length; i++)
        {
            var expected = new float[afterOne[i].Length];
            TP.Lerp(afterOne[i], afterTwo[i], 1f - 0.75f, expected);
            AssertBitEqual(expected, run.Opt.Average[names[i]].ToArray());
        }
        Assert.Equal(2, run.Opt.StepCount);
        Assert.True(run.Opt.Iterations > 2, $"{run.Opt.Iterations} iterations");
    }
}
