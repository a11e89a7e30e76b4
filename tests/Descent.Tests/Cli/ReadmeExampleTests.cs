using Descent.Data;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Cli;

/// <summary>The README's library example, on the synthetic dataset: it compiles, runs and learns.</summary>
public class ReadmeExampleTests
{
    [Fact]
    public void LibraryExampleTrainsAModel()
    {
        using var data = new SyntheticMnist(trainCount: 400, testCount: 100);
        var rng = new Rng(seed: 0);
        var train = MnistFormat.Load(data.Directory, DataSplit.Train);
        Standardizer.Fit(train).Apply(train);

        var model = new Sequential(
            new Linear(784, 512, rng), new ReLU(),
            new Linear(512, 256, rng), new ReLU(),
            new Linear(256, 10, rng));
        var optimizer = new Sgd(model.NamedParameters(), new SgdOptions { Lr = 0.05, Momentum = 0.9 });

        var losses = new List<float>();
        foreach (var batch in new DataLoader(train, batchSize: 128, shuffle: true, rng: rng))
        {
            var x = Tensor.Wrap(batch.Features, 0, batch.Count, batch.FeatureSize);
            var loss = Losses.CrossEntropy(model.Forward(x), batch.LabelSpan);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Item());
        }
        Assert.Equal(["0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias"], model.NamedParameters().Select(p => p.Name));
        Assert.Equal(4, losses.Count);
        Assert.True(losses[^1] < losses[0], $"loss went from {losses[0]} to {losses[^1]}");
    }

    [Fact]
    public void TrainerExampleTrainsResumesAndReports()
    {
        using var data = new SyntheticMnist(trainCount: 400, testCount: 100);
        string runs = Directory.CreateTempSubdirectory("descent-readme-").FullName;
        try
        {
            List<string> Train()
            {
                // The README's example, with the synthetic data, a short budget and a temporary directory.
                var problem = ProblemCatalog.Get("fmnist-mlp");
                var trainer = new Trainer(problem, problem.LoadData(data.Directory), OptimizerSpec.Sgd(lr: 0.05, momentum: 0.9),
                    new TrainingOptions { Epochs = 3, BatchSize = 128, Seed = 0 });
                var checkpoints = new CheckpointPolicy(new CheckpointDirectory(Path.Combine(runs, "mlp"), keep: 3), every: 5);
                checkpoints.ResumeLatest(trainer);
                var lines = new List<string>();
                trainer.Run(checkpoints, new TrainingCallbacks
                {
                    OnEpoch = (_, r) => lines.Add($"epoch {r.Epoch}: test accuracy {r.TestAccuracy:P2}"),
                });
                return lines;
            }
            var first = Train();
            Assert.Equal(3, first.Count);
            Assert.Empty(Train());  // a finished run resumes at its end: nothing left to train
        }
        finally { Directory.Delete(runs, recursive: true); }
    }
}
