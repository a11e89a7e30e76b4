using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Tensors;

public class TensorArenaTests
{
    private static float[] Train(bool useArena)
    {
        var rng = new Rng(4);
        var model = new Sequential(new Linear(6, 5, rng), new Tanh(), new Dropout(0.2f, rng), new Linear(5, 3, rng));
        var block = ParameterBlock.Flatten(model);
        var sgd = new Sgd(model.NamedParameters(), new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        var arena = new TensorArena();
        var x = Tensor.Uniform(rng, -1, 1, 4, 6);
        int[] labels = [0, 2, 1, 2];
        for (int step = 0; step < 5; step++)
        {
            using var scope = useArena ? arena.Activate() : default;
            var loss = Losses.CrossEntropy(model.Forward(x), labels);
            sgd.ZeroGrad();
            loss.Backward();
            sgd.Step();
            arena.Reset();
        }
        if (useArena) Assert.InRange(arena.BufferCount, 1, 64);
        return (float[])block.Values.Clone();
    }

    [Fact]
    public void TrainingInAnArenaGivesTheSameWeights() => Assert.Equal(Train(useArena: false), Train(useArena: true));

    [Fact]
    public void ResetHandsTheSameBuffersOutInOrder()
    {
        var arena = new TensorArena();
        Tensor first, again;
        using (arena.Activate())
        {
            first = Tensor.Full(1f, 3) + 1f;
            arena.Reset();
            again = Tensor.Full(1f, 3) + 2f;
        }
        Assert.Same(first.Storage, again.Storage);
        Assert.NotSame(first.Storage, (Tensor.Full(1f, 3) + 1f).Storage);
    }

    [Fact]
    public void ParameterGradientsNeverComeFromTheArena()
    {
        var w = Tensor.Full(2f, 3);
        w.RequiresGrad = true;
        var arena = new TensorArena();
        using (arena.Activate())
        {
            (w * w).Sum().Backward();
            arena.Reset();
            _ = Tensor.Full(0f, 3) + 7f;
            _ = Tensor.Full(0f, 3) + 7f;
        }
        Assert.Equal([4f, 4f, 4f], w.Grad!.ToArray());
    }

    /// <summary>
    /// Optimizer state made while an arena is active (the trainer steps inside one) is the optimizer's own: SAM makes
    /// "old_p" between its two evaluations, and from the arena the next step's temporaries of the same length got the
    /// same storage and overwrote θ before SAM restored it.
    /// </summary>
    [Fact]
    public void OptimizerStateMadeDuringAStepNeverComesFromTheArena()
    {
        var w = Tensor.Full(2f, 3);
        w.RequiresGrad = true;
        var sgd = new Sgd([new NamedParameter("w", w)], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
        var arena = new TensorArena();
        using (arena.Activate())
        {
            (w * w).Sum().Backward();
            sgd.Step();
            var state = sgd.StateOf("w");
            Assert.True(state.Has("momentum_buffer"));
            var buffer = state.Buffers["momentum_buffer"];
            var loaded = new Sgd([new NamedParameter("w", w)], new SgdOptions { Lr = 0.1, Momentum = 0.9 });
            loaded.LoadStateDict(sgd.StateDict());
            var copy = loaded.StateOf("w").Buffers["momentum_buffer"];
            var made = sgd.StateOf("w").Buffer("made_here", [3], 5f);
            arena.Reset();
            var temporaries = Enumerable.Range(0, 8).Select(_ => Tensor.Full(0f, 3) + 7f).ToList();
            Assert.Equal([4f, 4f, 4f], buffer.ToArray());
            Assert.Equal([4f, 4f, 4f], copy.ToArray());
            Assert.Equal([5f, 5f, 5f], made.ToArray());
            Assert.DoesNotContain(temporaries, t => ReferenceEquals(t.Storage, buffer.Storage) || ReferenceEquals(t.Storage, copy.Storage) || ReferenceEquals(t.Storage, made.Storage));
        }
    }
}
