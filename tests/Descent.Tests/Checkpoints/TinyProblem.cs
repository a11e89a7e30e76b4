using Descent.Data;
using Descent.Lab.Problems;
using Descent.Nn;
using Descent.Tensors;

namespace Descent.Tests.Checkpoints;

/// <summary>
/// A small in-memory classification problem for trainer tests: 8 features, 3 classes, an MLP with dropout (so the
/// run's generator is drawn from during training) and optionally batch normalization (so the model has buffers).
/// <see cref="PoisonLossAt"/> and <see cref="PoisonGradientAt"/> make one training step's loss, or only its
/// gradients, non-finite.
/// </summary>
internal sealed class TinyProblem(bool batchNorm = false, int trainCount = 100, int testCount = 40) : Problem
{
    private long _trainingCalls;

    public override string Name => batchNorm ? "tiny-bn" : "tiny";

    public override string Description => "tiny MLP on random clusters";

    /// <summary>The 1-based training step whose loss becomes NaN, if any.</summary>
    public long? PoisonLossAt { get; init; }

    /// <summary>The 1-based training step whose loss stays finite but whose gradients become NaN, if any.</summary>
    public long? PoisonGradientAt { get; init; }

    public override Module CreateModel(Rng rng) => batchNorm
        ? new Sequential(new Linear(8, 16, rng), new BatchNorm1d(16), new ReLU(), new Dropout(0.25f, rng), new Linear(16, 3, rng))
        : new Sequential(new Linear(8, 16, rng), new ReLU(), new Dropout(0.25f, rng), new Linear(16, 3, rng));

    public override ProblemData LoadData(string? dataDirectory) => new(Make(trainCount, 1), Make(testCount, 2));

    public override Tensor Loss(Tensor output, ReadOnlySpan<int> labels)
    {
        var loss = base.Loss(output, labels);
        if (!output.RequiresGrad) return loss; // evaluation
        long call = ++_trainingCalls;
        if (call == PoisonLossAt) return loss * float.NaN;
        if (call == PoisonGradientAt)
        {
            // Finite forward (a − b = 0), but the backward pass overflows to +∞ along one chain and −∞ along the
            // other, which meet in the output's gradient as ∞ − ∞ = NaN.
            var sum = output.Sum();
            var a = sum * 1e-30f * 1e30f * 1e10f;
            var b = sum * 1e-30f * 1e30f * 1e10f;
            return loss + (a - b);
        }
        return loss;
    }

    private static Dataset Make(int count, ulong seed)
    {
        var rng = new Rng(seed);
        var features = new float[count * 8];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 3;
            for (int j = 0; j < 8; j++) features[i * 8 + j] = rng.NextNormal() + (j % 3 == labels[i] ? 1.5f : 0f);
        }
        return new Dataset(features, labels, 8, 3);
    }
}
