using System.Diagnostics;
using Descent.Data;
using Descent.Lab.Problems;
using Descent.Nn;
using Descent.Schedules;
using Descent.Tensors;

namespace Descent.Lab.Training;

/// <summary>Raised when the loss of a step is NaN or infinite; names the epoch and step.</summary>
public sealed class TrainingDivergedException(string message) : Exception(message);

/// <summary>
/// Trains a problem's model with an optimizer: one seeded generator draws the initial weights, then shuffles the
/// batches (and drives dropout), so the same seed and options give the same numbers.
/// </summary>
public sealed class Trainer
{
    private readonly Problem _problem;
    private readonly ProblemData _data;
    private readonly TrainingOptions _options;
    private readonly Rng _rng;
    private readonly DataLoader _loader;
    private readonly TensorArena _arena = new();
    private readonly ScheduleSet? _schedules;

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
        _loader = new DataLoader(_data.Train, options.BatchSize, shuffle: true, dropLast: false, rng: _rng);
        if (options.Schedules.Count > 0) _schedules = ScheduleSet.Build(options.Schedules, Optimizer, _loader.BatchesPerEpoch, options.Epochs);
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

    /// <summary>
    /// Runs every epoch. <paramref name="onBatch"/> receives (epoch, batches done in the epoch) after each step;
    /// <paramref name="onEpoch"/> receives each epoch's results.
    /// </summary>
    public IReadOnlyList<EpochResult> Run(Action<int, int>? onBatch = null, Action<EpochResult>? onEpoch = null)
    {
        var results = new List<EpochResult>();
        for (int epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            var result = RunEpoch(epoch, onBatch);
            results.Add(result);
            onEpoch?.Invoke(result);
        }
        return results;
    }

    /// <summary>
    /// Runs one epoch (numbered from 1, for messages) and evaluates on the test set. <paramref name="onBatch"/>
    /// receives (epoch, batches done in the epoch) after each step.
    /// </summary>
    public EpochResult RunEpoch(int epoch, Action<int, int>? onBatch = null)
    {
        var clock = Stopwatch.StartNew();
        Model.Train();
        _loader.StartEpoch();
        double lossSum = 0;
        long seen = 0;
        while (_loader.TryGetNextBatch(out var batch))
        {
            float value;
            using (_arena.Activate())
            {
                var loss = _problem.Loss(Model.Forward(Inputs(batch, _data.Train)), batch.LabelSpan);
                value = loss.Item();
                if (!float.IsFinite(value))
                    throw new TrainingDivergedException($"the loss became {value} at epoch {epoch}, step {batch.Index + 1}: lower the learning rate");
                Optimizer.ZeroGrad();
                loss.Backward();
                Optimizer.Step();
                _schedules?.AfterOptimizerStep();
                _arena.Reset();
            }
            lossSum += (double)value * batch.Count;
            seen += batch.Count;
            onBatch?.Invoke(epoch, batch.Index + 1);
        }
        double trainSeconds = clock.Elapsed.TotalSeconds;
        var (testLoss, testAccuracy) = Evaluation.Run(_problem, Model, _data.Test, _options.EvalBatchSize);
        double lr = Optimizer.ParamGroups[0].Options.Lr;
        _schedules?.AfterEpoch(testLoss);
        return new EpochResult(epoch, lossSum / seen, testLoss, testAccuracy, trainSeconds, seen / trainSeconds, lr);
    }

    /// <summary>The batch's features as a tensor [count, features...] over the loader's buffer (no copy).</summary>
    internal static Tensor Inputs(Batch batch, Dataset data)
    {
        var shape = data.SampleShape is { } s ? [batch.Count, .. s] : new[] { batch.Count, batch.FeatureSize };
        return Tensor.Wrap(batch.Features, 0, shape);
    }
}
