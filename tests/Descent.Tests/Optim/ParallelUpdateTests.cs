using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;
using Descent.Threading;
using Descent.Tests.Threading;

namespace Descent.Tests.Optim;

/// <summary>Large tensors are updated in parallel chunks; the result equals the one-thread update bit for bit.</summary>
[Collection(ComputeThreadsCollection.Name)]
public class ParallelUpdateTests
{
    public static TheoryData<string> Optimizers => new()
    {
        "SGD", "Adagrad", "Adadelta", "RMSprop", "Rprop", "ASGD", "Adam", "AdamW", "Adamax", "NAdam", "RAdam", "Lion",
        "AdamWScheduleFree", "SGDScheduleFree", "Muon", "Adafactor", "Lamb", "LARS", "Prodigy", "AdEMAMix",
    };

    private static float[] Run(string name, int threads)
    {
        int saved = ComputeThreads.Count;
        ComputeThreads.Count = threads;
        try
        {
            const int n = 300_007;
            var rng = new Rng(3);
            var p = Tensor.Uniform(rng, -1, 1, n);
            p.RequiresGrad = true;
            var options = new Dictionary<string, object> { ["lr"] = 0.01 };
            if (name is "SGD" or "RMSprop") options["momentum"] = 0.9;
            if (name == "RMSprop") options["centered"] = true;
            var optimizer = OptimizerCatalog.Create(name, [new NamedParameter("p", p)], new TorchOptions(options));
            for (int step = 0; step < 3; step++)
            {
                p.Grad = Tensor.Uniform(rng, -1, 1, n);
                optimizer.Step();
            }
            return p.ToArray();
        }
        finally { ComputeThreads.Count = saved; }
    }

    [Theory]
    [MemberData(nameof(Optimizers))]
    public void TwoThreadsGiveTheOneThreadResult(string name) => Assert.Equal(Run(name, 1), Run(name, 2));
}
