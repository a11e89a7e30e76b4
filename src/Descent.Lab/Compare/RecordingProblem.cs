using Descent.Autograd;
using Descent.Lab.Problems;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Lab.Compare;

/// <summary>
/// Wraps a problem so that a comparison sees what the trainer computes at each step, through the trainer's public
/// API only: every training loss (computed with autograd on; evaluation runs without) is kept as
/// <see cref="LastLoss"/>, and the minibatch's correct predictions are counted for the epoch's train accuracy.
/// Everything else is the wrapped problem's.
/// </summary>
internal sealed class RecordingProblem(Problem inner, bool countAccuracy) : Problem
{
    private long _correct, _seen;
    private ulong _labelHash = 14695981039346656037UL;

    public Problem Inner => inner;

    public override string Name => inner.Name;

    public override string Description => inner.Description;

    /// <summary>The loss of the last training step.</summary>
    public double LastLoss { get; private set; } = double.NaN;

    /// <summary>A fingerprint of the labels of every training minibatch so far, in order (to check that runs see the same batches).</summary>
    public ulong LabelHash => _labelHash;

    public override Module CreateModel(Rng rng) => inner.CreateModel(rng);

    public override ProblemData LoadData(string? dataDirectory) => inner.LoadData(dataDirectory);

    public override Tensor Loss(Tensor output, ReadOnlySpan<int> labels)
    {
        var loss = inner.Loss(output, labels);
        if (!GradMode.IsEnabled) return loss;
        LastLoss = loss.Item();
        foreach (int label in labels) _labelHash = (_labelHash ^ (uint)label) * 1099511628211UL;
        if (countAccuracy && output.Rank == 2)
        {
            var predicted = output.ArgMaxRows();
            for (int i = 0; i < labels.Length; i++) if (predicted[i] == labels[i]) _correct++;
            _seen += labels.Length;
        }
        return loss;
    }

    /// <summary>The fraction of correct training predictions since the last call (NaN when none were counted), and resets.</summary>
    public double TakeAccuracy()
    {
        double accuracy = _seen == 0 ? double.NaN : (double)_correct / _seen;
        _correct = _seen = 0;
        return accuracy;
    }
}
