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
/// Trains a problem's model with an optimizer: one seeded generator draws the initial weights, then shuffles the
/// batches (and drives dropout), so the same seed and options give the same numbers. <see cref="Run(ITrainingObserver[])"/>
/// is the training loop of Descent — <c>descent train</c>, <c>descent compare</c> and library users all run through it
/// and follow it with <see cref="ITrainingObserver"/>s (progress, metrics, <see cref="CheckpointPolicy"/>).
/// </summary>
/// <remarks>
/// <para>
/// A run can be interrupted and resumed with identical results: <see cref="CaptureState"/> (with the model's and
/// optimizer's state) describes the trainer between two steps, and <see cref="RestoreState"/> puts a freshly built
/// trainer there; <see cref="TrainingCheckpoint"/> does both through a checkpoint file and
/// <see cref="CheckpointPolicy"/> writes them as the run goes.
/// </para>
/// <para>
/// An optimizer that evaluates the loss several times per step (<see cref="Optim.Optimizer.RequiresClosure"/>, such as
/// LBFGS) is stepped with a closure over the current minibatch; with a batch size of the whole training set that is
/// full-batch training.
/// </para>
/// <para>
/// An optimizer whose evaluation point differs from its gradient point (<see cref="Optim.ITrainEvalSwitch"/>, such as
/// Schedule-Free) is switched to evaluation before every evaluation and checkpoint
/// (<see cref="UseEvaluationPoint"/>), so that the model evaluated, saved and left at the end of a run holds the
/// evaluation point, and back to training before the next step.
/// </para>
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
    private readonly bool _countsAccuracy;
    private double _lossSum;
    private long _seen;
    private long _correct;
    private long _step;
    private long _skipped;
    private int _epochInProgress;
    private bool _resumePending;
    private bool _stopRequested;

    /// <summary>Builds the model and optimizer; nothing is trained until <see cref="Run(ITrainingObserver[])"/>.</summary>
    public Trainer(Problem problem, ProblemData data, OptimizerSpec optimizer, TrainingOptions options)
    {
        ArgumentNullException.ThrowIfNull(problem);
        ArgumentNullException.ThrowIfNull(data);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        OptimizerSpec = optimizer;
        _problem = problem;
        _options = options;
        _countsAccuracy = problem is not ILossOnlyProblem;
        _data = new ProblemData(
            options.TrainLimit is int n ? data.Train.Take(Math.Min(n, data.Train.Count)) : data.Train,
            options.TestLimit is int m ? data.Test.Take(Math.Min(m, data.Test.Count)) : data.Test);
        _rng = new Rng(options.Seed);
        Model = problem.CreateModel(_rng);
        Parameters = ParameterBlock.Flatten(Model);
        Optimizer = optimizer.Create(Model.NamedParameters());
        Optimizer.NonFinitePolicy = options.NonFinitePolicy;
        _loader = new DataLoader(_data.Train, options.BatchSize, shuffle: true, dropLast: false, rng: _rng);
        if (options.Schedules.Count > 0)
        {
            _schedules = ScheduleSet.Build(options.Schedules, Optimizer, _loader.BatchesPerEpoch, options.Epochs);
            _schedules.CheckRunLength(_loader.BatchesPerEpoch, options.Epochs);
        }
        Config = RunConfig.Create(problem, optimizer, options);
    }

    /// <summary>The problem being trained.</summary>
    public Problem Problem => _problem;

    /// <summary>The schedules driving the optimizer, or null when there are none.</summary>
    public ScheduleSet? Schedules => _schedules;

    /// <summary>The fingerprint of <see cref="Data"/> (<see cref="Training.DataFingerprint"/>), computed once.</summary>
    public string DataFingerprint => _dataFingerprint ??= Training.DataFingerprint.Of(_data);

    private string? _dataFingerprint;

    /// <summary>The optimizer's name and options, as given.</summary>
    public OptimizerSpec OptimizerSpec { get; }

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

    /// <summary>The epoch training continues with: 1, or where a restored or stopped state left off.</summary>
    public int NextEpoch { get; private set; } = 1;

    /// <summary>Whether every epoch has been trained.</summary>
    public bool IsComplete => NextEpoch > _options.Epochs && !_resumePending;

    /// <summary>The results of the completed epochs, in order (those before a resume included).</summary>
    public IReadOnlyList<EpochResult> History => _history;

    /// <summary>
    /// Asks <see cref="Run(ITrainingObserver[])"/> to return after the step in progress (call it from an observer): the trainer
    /// stays where it stopped, and a later run continues from there as if never stopped.
    /// </summary>
    public void RequestStop() => _stopRequested = true;

    /// <summary>
    /// Puts the evaluation point of the optimizer into the model when the optimizer has one
    /// (<see cref="Optim.ITrainEvalSwitch"/>; nothing otherwise): the trainer calls it before evaluating, and
    /// checkpoints before saving. The next training step switches back to the training point, exactly.
    /// </summary>
    public void UseEvaluationPoint()
    {
        if (Optimizer is Optim.ITrainEvalSwitch { IsTraining: true } modes) modes.Eval();
    }

    /// <summary>Trains every remaining epoch, reporting to <paramref name="observers"/>; returns <see cref="History"/>.</summary>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite (after the observers saw it).</exception>
    public IReadOnlyList<EpochResult> Run(params ITrainingObserver[] observers) => RunThrough(_options.Epochs, observers);

    /// <summary>
    /// Trains up to and including epoch <paramref name="lastEpoch"/> (at most <see cref="TrainingOptions.Epochs"/>),
    /// continuing where the trainer is, and reports to <paramref name="observers"/>. Returns <see cref="History"/>;
    /// it returns early after a step when an observer called <see cref="RequestStop"/>.
    /// </summary>
    /// <exception cref="TrainingDivergedException">The loss or a gradient became NaN or infinite (after the observers saw it).</exception>
    public IReadOnlyList<EpochResult> RunThrough(int lastEpoch, params ITrainingObserver[] observers)
    {
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(lastEpoch, _options.Epochs);
        _stopRequested = false;
        foreach (var o in observers) o.RunStarted(this);
        try
        {
            if (_options.EvaluateAtStart && _step == 0 && _history.Count == 0 && !_resumePending)
            {
                var (loss, accuracy) = Evaluate();
                foreach (var o in observers) o.Evaluated(this, new EvaluationResult(0, 0, loss, accuracy));
            }
            for (int epoch = NextEpoch; epoch <= lastEpoch; epoch++)
            {
                if (_stopRequested) return _history;   // asked between epochs (from Evaluated or EpochDone)
                if (!TrainEpoch(epoch, observers)) return _history;
                var result = _history[^1];
                foreach (var o in observers) o.Evaluated(this, new EvaluationResult(epoch, _step, result.TestLoss, result.TestAccuracy));
                foreach (var o in observers) o.EpochDone(this, result);
            }
        }
        catch (TrainingDivergedException e)
        {
            foreach (var o in observers) o.Diverged(this, e);
            throw;
        }
        if (IsComplete) foreach (var o in observers) o.RunFinished(this);
        return _history;
    }

    /// <summary>Trains one epoch's remaining batches and evaluates; false when stopped within the epoch.</summary>
    private bool TrainEpoch(int epoch, ITrainingObserver[] observers)
    {
        var clock = Stopwatch.StartNew();
        Model.Train();
        if (_resumePending) _resumePending = false;
        else
        {
            _loader.StartEpoch();
            _lossSum = 0;
            _seen = 0;
            _correct = 0;
        }
        _epochInProgress = epoch;
        long seenNow = 0;
        while (_loader.TryGetNextBatch(out var batch))
        {
            long step = _step + 1;
            var (value, skipped, output) = StepOrDiverge(batch, epoch, step);
            _step = step;
            seenNow += batch.Count;
            var info = new TrainingStep(epoch, batch.Index + 1, BatchesPerEpoch, step, value, skipped, output, batch.Labels.AsMemory(0, batch.Count));
            foreach (var o in observers) o.StepDone(this, info);
            if (_stopRequested)
            {
                _epochInProgress = 0;
                _resumePending = true;
                NextEpoch = epoch;
                return false;
            }
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var (testLoss, testAccuracy) = Evaluate();
        double lr = Optimizer.ParamGroups[0].Options.Lr;
        _schedules?.AfterEpoch(testLoss);
        double trainAccuracy = _countsAccuracy && _seen > 0 ? (double)_correct / _seen : double.NaN;
        _history.Add(new EpochResult(epoch, _lossSum / _seen, testLoss, testAccuracy, trainSeconds, seenNow / trainSeconds, lr, trainAccuracy));
        _epochInProgress = 0;
        NextEpoch = epoch + 1;
        return true;
    }

    /// <summary>
    /// <see cref="TakeStep"/> and the step's schedules; a numeric failure inside them (an <see cref="ArithmeticException"/>
    /// such as an overflow) ends the run as a divergence naming the step, like a NaN loss. Other exceptions are not
    /// numbers blowing up and pass unchanged (bad settings are refused before training: options, schedule lengths).
    /// </summary>
    private (double Loss, bool Skipped, Tensor Output) StepOrDiverge(Batch batch, int epoch, long step)
    {
        try
        {
            var result = TakeStep(batch, epoch, step);
            _schedules?.AfterOptimizerStep();
            return result;
        }
        catch (ArithmeticException e)
        {
            throw new TrainingDivergedException($"the step failed at {Where(epoch, batch, step)}: {e.Message}", step, epoch, null, e);
        }
    }

    /// <summary>One optimizer step on <paramref name="batch"/>: the loss, whether the update was skipped, and the model's output.</summary>
    private (double Loss, bool Skipped, Tensor Output) TakeStep(Batch batch, int epoch, long step)
    {
        using var scope = _arena.Activate();
        _arena.Reset();   // the previous step's tensors stay valid until here, for the observers
        if (Optimizer is Optim.ITrainEvalSwitch { IsTraining: false } modes) modes.Train();   // after an evaluation or checkpoint
        var inputs = Inputs(batch, _data.Train);
        Tensor? output = null;
        float value;
        long skippedBefore = Optimizer.SkippedSteps;
        try
        {
            if (Optimizer.RequiresClosure) (value, output) = StepWithClosure(inputs, batch);
            else
            {
                output = Model.Forward(inputs);
                var loss = _problem.Loss(output, batch.LabelSpan);
                value = loss.Item();
                if (!float.IsFinite(value)) return NonFiniteLoss(value, batch, epoch, step, output);
                Optimizer.ZeroGrad();
                loss.Backward();
                Optimizer.Step();
            }
        }
        catch (NonFiniteLossException e)
        {
            throw new TrainingDivergedException(
                $"the loss became {e.Loss.ToString(CultureInfo.InvariantCulture)} at {Where(epoch, batch, step)}; nothing was updated: lower the learning rate",
                step, epoch, null, e);
        }
        catch (NonFiniteGradientException e)
        {
            throw new TrainingDivergedException(
                $"the gradient of parameter '{e.Parameter}' holds NaN or infinity at {Where(epoch, batch, step)}; nothing was updated",
                step, epoch, e.Parameter, e);
        }
        if (Optimizer.SkippedSteps != skippedBefore)
        {
            _skipped++;
            return (value, true, output!);
        }
        if (!float.IsFinite(value)) return NonFiniteLoss(value, batch, epoch, step, output!);
        _lossSum += (double)value * batch.Count;
        _seen += batch.Count;
        if (_countsAccuracy) _correct += CountCorrect(output!, batch.LabelSpan);
        return (value, false, output!);
    }

    /// <summary>
    /// A step of an optimizer that evaluates the loss itself (LBFGS), through a closure over the minibatch: the first
    /// evaluation's loss and output. Apart from <see cref="TakeStep"/> so that other optimizers' steps allocate no closure.
    /// </summary>
    private (float Loss, Tensor Output) StepWithClosure(Tensor inputs, Batch batch)
    {
        Tensor? output = null;
        Tensor Closure()
        {
            Optimizer.ZeroGrad();
            var o = Model.Forward(inputs);
            output ??= o;
            var l = _problem.Loss(o, batch.LabelSpan);
            l.Backward();
            return l;
        }
        float value = Optimizer.Step(Closure).Item();
        return (value, output!);
    }

    private (double, bool, Tensor) NonFiniteLoss(float value, Batch batch, int epoch, long step, Tensor output)
    {
        if (Optimizer.NonFinitePolicy == NonFinitePolicy.SkipStep)
        {
            _skipped++;
            return (value, true, output);
        }
        string? bad = FirstNonFiniteParameter();
        string detail = bad is null ? "" : $"; parameter '{bad}' already holds NaN or infinity";
        throw new TrainingDivergedException(
            $"the loss became {value.ToString(CultureInfo.InvariantCulture)} at {Where(epoch, batch, step)}{detail}: lower the learning rate",
            step, epoch, bad);
    }

    /// <summary>Rows of a [batch, classes] output whose largest score is at the label.</summary>
    private static long CountCorrect(Tensor output, ReadOnlySpan<int> labels)
    {
        if (output.Rank != 2 || output.Shape[0] != labels.Length) return 0;
        int classes = output.Shape[1];
        var scores = output.Span;
        long correct = 0;
        for (int i = 0; i < labels.Length; i++)
            if (TP.IndexOfMax(scores.Slice(i * classes, classes)) == labels[i]) correct++;
        return correct;
    }

    private (double Loss, double Accuracy) Evaluate()
    {
        UseEvaluationPoint();
        var (loss, accuracy) = Evaluation.Run(_problem, Model, _data.Test, _options.EvalBatchSize);
        return (loss, _countsAccuracy ? accuracy : double.NaN);
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
    /// give): call it between steps — from an observer, or between runs.
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
            EpochCorrect = inEpoch ? _correct : 0,
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
        if (state.Epoch > _options.Epochs + 1 || (state.Epoch == _options.Epochs + 1 && state.Order is not null))
            throw new ArgumentException($"epoch {state.Epoch} is beyond this run's {_options.Epochs} epochs", nameof(state));
        if (state.Step < 0 || state.SkippedSteps < 0 || state.SkippedSteps > state.Step)
            throw new ArgumentException($"invalid step counts: {state.Step} steps, {state.SkippedSteps} skipped", nameof(state));
        long expectedStep = (long)(state.Epoch - 1) * BatchesPerEpoch + state.NextBatch;
        if (state.Step != expectedStep)
            throw new ArgumentException($"step {state.Step} does not match epoch {state.Epoch}, batch {state.NextBatch} of {BatchesPerEpoch} (step {expectedStep})", nameof(state));
        if (state.History.Count != state.Epoch - 1 || state.History.Select((r, i) => r.Epoch != i + 1).Any(b => b))
            throw new ArgumentException($"the history holds {state.History.Count} epochs, but {state.Epoch - 1} were completed", nameof(state));
        if (state.Order is null && (state.NextBatch != 0 || state.EpochSamples != 0 || state.EpochLossSum != 0))
            throw new ArgumentException("a position within an epoch needs the epoch's sample order", nameof(state));
        if (state.NextBatch < 0 || state.NextBatch > BatchesPerEpoch)
            throw new ArgumentException($"batch {state.NextBatch} is outside the epoch's {BatchesPerEpoch} batches", nameof(state));
        if (state.EpochSamples < 0 || state.EpochSamples > _data.Train.Count || !double.IsFinite(state.EpochLossSum))
            throw new ArgumentException($"invalid epoch loss sum {state.EpochLossSum} over {state.EpochSamples} samples", nameof(state));
        if (state.EpochCorrect < 0 || state.EpochCorrect > state.EpochSamples)
            throw new ArgumentException($"invalid count of correct predictions {state.EpochCorrect} over {state.EpochSamples} samples", nameof(state));
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
        _correct = state.EpochCorrect;
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
