using System.Diagnostics;
using System.Globalization;
using Descent.Data;
using Descent.Lab.Problems;
using Descent.Nn;
using Descent.Optim;
using Descent.Schedules;
using Descent.Tensors;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace Descent.Lab.Training;

/// <summary>
/// Raised when a step's loss, or a gradient, is NaN or infinite; names the step, the epoch and (for a gradient, or
/// when a weight already holds NaN or ∞) the first offending parameter. Nothing was updated by that step.
/// </summary>
public sealed class TrainingDivergedException : Exception
{
    /// <summary>Creates the exception with a message only.</summary>
    public TrainingDivergedException(string message) : base(message) { }

    /// <summary>Creates the exception for global step <paramref name="step"/> of <paramref name="epoch"/>.</summary>
    public TrainingDivergedException(string message, long step, int epoch, string? parameter, Exception? innerException = null)
        : base(message, innerException)
    {
        Step = step;
        Epoch = epoch;
        Parameter = parameter;
    }

    /// <summary>The global step (batches since the start of the run, from 1) that diverged, when known.</summary>
    public long? Step { get; }

    /// <summary>The epoch (from 1), when known.</summary>
    public int? Epoch { get; }

    /// <summary>The first parameter whose gradient or value was not finite, when one is known.</summary>
    public string? Parameter { get; }
}

/// <summary>
/// Trains a problem's model with an optimizer: one seeded generator draws the initial weights, then shuffles the
/// batches (and drives dropout), so the same seed and options give the same numbers.
/// </summary>
/// <remarks>
/// A run can be interrupted and resumed with identical results: <see cref="CaptureState"/> (with the model's and
/// optimizer's state) describes the trainer between two steps, and <see cref="RestoreState"/> puts a freshly built
/// trainer there; <see cref="TrainingCheckpoint"/> does both through a checkpoint file.
/// </remarks>
public sealed class Trainer
{
    private readonly Problem _problem;
    private readonly ProblemData _data;
    private readonly TrainingOptions _options;
    private readonly Rng _rng;
    private readonly DataLoader _loader;
    private readonly TensorArena _arena = new();
    private readonly ScheduleSet? _schedules;
    private readonly List<EpochResult> _history = [];
    private double _lossSum;
    private long _seen;
    private long _step;
    private long _skipped;
    private int _epochInProgress;
    private bool _resumePending;

    /// <summary>Builds the model and optimizer; nothing is trained until <see cref="Run"/>.</summary>
    public Trainer(Problem problem, ProblemData data, OptimizerSpec optimizer, TrainingOptions options)
    {
        options.Validate();
        _problem = problem;
        _options = options;
        _data = new ProblemData(
            options.TrainLimit is int n ? data.Train.Take(Math.Min(n, data.Train.Count)) : data.Train,
            options.TestLimit is int m ? data.Test.Take(Math.Min(m, data.Test.Count)) : data.Test);
        _rng = new Rng(options.Seed);
        Model = problem.CreateModel(_rng);
        Parameters = ParameterBlock.Flatten(Model);
        Optimizer = optimizer.Create(Model.NamedParameters());
        if (Optimizer is LBFGS)
            throw new ArgumentException("LBFGS evaluates the loss several times per step through a closure, and the trainer " +
                "takes one step per minibatch: use LBFGS from the library with Step(closure), or in descent landscape", "Name");
        Optimizer.NonFinitePolicy = options.NonFinitePolicy;
        _loader = new DataLoader(_data.Train, options.BatchSize, shuffle: true, dropLast: false, rng: _rng);
        if (options.Schedules.Count > 0) _schedules = ScheduleSet.Build(options.Schedules, Optimizer, _loader.BatchesPerEpoch, options.Epochs);
        Config = RunConfig.Create(problem, optimizer, options);
    }

    /// <summary>The schedules driving the optimizer, or null when there are none.</summary>
    public ScheduleSet? Schedules => _schedules;

    /// <summary>The model being trained.</summary>
    public Module Model { get; }

    /// <summary>The model's parameters and gradients in one block.</summary>
    public ParameterBlock Parameters { get; }

    /// <summary>The optimizer.</summary>
    public Optim.Optimizer Optimizer { get; }

    /// <summary>Minibatches per epoch.</summary>
    public int BatchesPerEpoch => _loader.BatchesPerEpoch;

    /// <summary>The training and test sets in use (after any limits).</summary>
    public ProblemData Data => _data;

    /// <summary>The options the trainer was built with.</summary>
    public TrainingOptions Options => _options;

    /// <summary>The run's configuration, as stored in checkpoints.</summary>
    public RunConfig Config { get; }

    /// <summary>Batches processed since the start of the run (across resumes; skipped steps included).</summary>
    public long GlobalStep => _step;

    /// <summary>Steps skipped because the loss or a gradient was not finite.</summary>
    public long SkippedSteps => _skipped;

    /// <summary>The epoch <see cref="Run"/> starts with: 1, or where a restored state left off.</summary>
    public int NextEpoch { get; private set; } = 1;

    /// <summary>The results of the completed epochs, in order (those before a resume included).</summary>
    public IReadOnlyList<EpochResult> History => _history;

    /// <summary>
    /// Runs every remaining epoch, from <see cref="NextEpoch"/> to the last. <paramref name="onBatch"/> receives
    /// (epoch, batches done in the epoch) after each step; <paramref name="onEpoch"/> receives each epoch's results.
    /// </summary>
    public IReadOnlyList<EpochResult> Run(Action<int, int>? onBatch = null, Action<EpochResult>? onEpoch = null)
    {
        var results = new List<EpochResult>();
        for (int epoch = NextEpoch; epoch <= _options.Epochs; epoch++)
        {
            var result = RunEpoch(epoch, onBatch);
            results.Add(result);
            onEpoch?.Invoke(result);
        }
        return results;
    }

    /// <summary>
    /// Runs one epoch (numbered from 1, for messages) and evaluates on the test set. <paramref name="onBatch"/>
    /// receives (epoch, batches done in the epoch) after each step; the trainer's state may be captured there. After
    /// <see cref="RestoreState"/> of a state within an epoch, this continues that epoch.
    /// </summary>
    public EpochResult RunEpoch(int epoch, Action<int, int>? onBatch = null)
    {
        var clock = Stopwatch.StartNew();
        Model.Train();
        if (_resumePending) _resumePending = false;
        else
        {
            _loader.StartEpoch();
            _lossSum = 0;
            _seen = 0;
        }
        _epochInProgress = epoch;
        long seenNow = 0;
        while (_loader.TryGetNextBatch(out var batch))
        {
            long step = _step + 1;
            using (_arena.Activate())
            {
                var loss = _problem.Loss(Model.Forward(Inputs(batch, _data.Train)), batch.LabelSpan);
                float value = loss.Item();
                if (float.IsFinite(value))
                {
                    Optimizer.ZeroGrad();
                    loss.Backward();
                    long skippedBefore = Optimizer.SkippedSteps;
                    try { Optimizer.Step(); }
                    catch (NonFiniteGradientException e)
                    {
                        throw new TrainingDivergedException(
                            $"the gradient of parameter '{e.Parameter}' holds NaN or infinity at {Where(epoch, batch, step)}; nothing was updated",
                            step, epoch, e.Parameter, e);
                    }
                    if (Optimizer.SkippedSteps != skippedBefore) _skipped++;
                    _lossSum += (double)value * batch.Count;
                    _seen += batch.Count;
                }
                else if (Optimizer.NonFinitePolicy == NonFinitePolicy.SkipStep) _skipped++;
                else
                {
                    string? bad = FirstNonFiniteParameter();
                    string detail = bad is null ? "" : $"; parameter '{bad}' already holds NaN or infinity";
                    throw new TrainingDivergedException(
                        $"the loss became {value.ToString(CultureInfo.InvariantCulture)} at {Where(epoch, batch, step)}{detail}: lower the learning rate",
                        step, epoch, bad);
                }
                _schedules?.AfterOptimizerStep();
                _arena.Reset();
            }
            _step = step;
            seenNow += batch.Count;
            onBatch?.Invoke(epoch, batch.Index + 1);
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var (testLoss, testAccuracy) = Evaluation.Run(_problem, Model, _data.Test, _options.EvalBatchSize);
        double lr = Optimizer.ParamGroups[0].Options.Lr;
        _schedules?.AfterEpoch(testLoss);
        var result = new EpochResult(epoch, _lossSum / _seen, testLoss, testAccuracy, trainSeconds, seenNow / trainSeconds, lr);
        _history.Add(result);
        _epochInProgress = 0;
        NextEpoch = epoch + 1;
        return result;
    }

    private string Where(int epoch, Batch batch, long step) => $"epoch {epoch}, step {batch.Index + 1} of {BatchesPerEpoch} (global step {step})";

    /// <summary>The name of the first parameter (in model order) holding NaN or ±∞, or null when all are finite.</summary>
    public string? FirstNonFiniteParameter()
    {
        foreach (var p in Parameters.Parameters)
            if (p.Value.Length > 0 && !float.IsFinite(TP.MaxMagnitude(p.Value.Span))) return p.Name;
        return null;
    }

    /// <summary>
    /// The trainer's position and counters (not the weights or optimizer state, which the model and optimizer
    /// give): call it between steps — from the per-batch callback of <see cref="RunEpoch"/>, or between epochs.
    /// </summary>
    public TrainingState CaptureState()
    {
        bool inEpoch = _epochInProgress > 0 || _resumePending;
        return new TrainingState
        {
            Epoch = _epochInProgress > 0 ? _epochInProgress : NextEpoch,
            NextBatch = inEpoch ? _loader.NextBatchIndex : 0,
            Order = inEpoch ? _loader.CurrentOrder.ToArray() : null,
            EpochLossSum = inEpoch ? _lossSum : 0,
            EpochSamples = inEpoch ? _seen : 0,
            Step = _step,
            SkippedSteps = _skipped,
            Rng = _rng.GetState(),
            Schedules = _schedules?.Bindings.Select(b => b.Scheduler.StateDict()).ToArray() ?? [],
            History = _history.ToArray(),
        };
    }

    /// <summary>
    /// Puts this trainer where <paramref name="state"/> was taken (the model and optimizer state are restored
    /// separately). The trainer must have been built with the same problem, optimizer and options. Everything is
    /// checked first: an invalid state is an <see cref="ArgumentException"/> naming the problem, and nothing changes.
    /// </summary>
    public void RestoreState(TrainingState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Epoch < 1) throw new ArgumentException($"the epoch must be at least 1, not {state.Epoch}", nameof(state));
        if (state.Step < 0 || state.SkippedSteps < 0 || state.SkippedSteps > state.Step)
            throw new ArgumentException($"invalid step counts: {state.Step} steps, {state.SkippedSteps} skipped", nameof(state));
        if (state.Order is null && (state.NextBatch != 0 || state.EpochSamples != 0 || state.EpochLossSum != 0))
            throw new ArgumentException("a position within an epoch needs the epoch's sample order", nameof(state));
        if (state.NextBatch < 0 || state.NextBatch > BatchesPerEpoch)
            throw new ArgumentException($"batch {state.NextBatch} is outside the epoch's {BatchesPerEpoch} batches", nameof(state));
        if (state.EpochSamples < 0 || state.EpochSamples > _data.Train.Count || double.IsNaN(state.EpochLossSum))
            throw new ArgumentException($"invalid epoch loss sum {state.EpochLossSum} over {state.EpochSamples} samples", nameof(state));
        int scheduleCount = _schedules?.Bindings.Count ?? 0;
        if (state.Schedules.Count != scheduleCount)
            throw new ArgumentException($"the state has {state.Schedules.Count} schedule(s), this run {scheduleCount}", nameof(state));
        if (state.Order is { } order)
        {
            if (order.Length != _data.Train.Count)
                throw new ArgumentException($"the sample order has {order.Length} entries, but the training set has {_data.Train.Count} samples", nameof(state));
            var seen = new bool[order.Length];
            foreach (int i in order)
            {
                if ((uint)i >= (uint)order.Length || seen[i]) throw new ArgumentException("the sample order is not a permutation of the training set", nameof(state));
                seen[i] = true;
            }
        }
        var rngProbe = new Rng(0);
        rngProbe.SetState(state.Rng); // throws on an invalid state before anything is changed

        var saved = _schedules?.Bindings.Select(b => b.Scheduler.StateDict()).ToArray() ?? [];
        try
        {
            for (int i = 0; i < scheduleCount; i++) _schedules!.Bindings[i].Scheduler.LoadStateDict(state.Schedules[i]);
        }
        catch (ArgumentException)
        {
            for (int i = 0; i < scheduleCount; i++) _schedules!.Bindings[i].Scheduler.LoadStateDict(saved[i]);
            throw;
        }
        _rng.SetState(state.Rng);
        if (state.Order is { } o)
        {
            _loader.ResumeEpoch(o, state.NextBatch);
            _resumePending = true;
        }
        else _resumePending = false;
        _lossSum = state.EpochLossSum;
        _seen = state.EpochSamples;
        _step = state.Step;
        _skipped = state.SkippedSteps;
        _epochInProgress = 0;
        NextEpoch = state.Epoch;
        _history.Clear();
        _history.AddRange(state.History);
    }

    /// <summary>The batch's features as a tensor [count, features...] over the loader's buffer (no copy).</summary>
    internal static Tensor Inputs(Batch batch, Dataset data)
    {
        var shape = data.SampleShape is { } s ? [batch.Count, .. s] : new[] { batch.Count, batch.FeatureSize };
        return Tensor.Wrap(batch.Features, 0, shape);
    }
}
