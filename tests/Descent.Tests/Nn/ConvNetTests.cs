using Descent.Cli;
using Descent.Data;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Nn;

public class ConvNetTests
{
    [Fact]
    public void Net2c2dHasDeepObsShapesAndParameterCount()
    {
        var model = new Net2c2d(10, new Rng(0));
        Assert.Equal(3_274_634, model.ParameterCount());
        Assert.Equal(["conv1.weight", "conv1.bias", "conv2.weight", "conv2.bias", "dense1.weight", "dense1.bias", "dense2.weight", "dense2.bias"],
            model.NamedParameters().Select(p => p.Name));
        Assert.All(model.NamedParameters().Where(p => p.Name.EndsWith("bias")), p => Assert.All(p.Value.ToArray(), v => Assert.Equal(0.05f, v)));
        Assert.All(model.NamedParameters().Where(p => p.Name.EndsWith("weight")), p => Assert.All(p.Value.ToArray(), v => Assert.InRange(v, -0.1f, 0.1f)));
        Assert.Equal([3, 10], model.Forward(Tensor.Zeros(3, 1, 28, 28)).Shape.ToArray());
        Assert.Equal([2, 10], model.Forward(Tensor.Zeros(2, 784)).Shape.ToArray());
    }

    [Fact]
    public void Net3c3dHasDeepObsShapesAndParameterCount()
    {
        var model = new Net3c3d(10, new Rng(0));
        Assert.Equal(895_210, model.ParameterCount());
        Assert.Equal([2, 10], model.Forward(Tensor.Zeros(2, 3, 32, 32)).Shape.ToArray());
        Assert.Equal(6, Regularization.Weights(model).Count());
        float bound = MathF.Sqrt(6f / (3 * 25 + 64 * 25));
        Assert.All(model.NamedParameters()[0].Value.ToArray(), v => Assert.InRange(v, -bound, bound));
        Assert.All(model.NamedParameters()[1].Value.ToArray(), v => Assert.Equal(0f, v));
    }

    [Fact]
    public void CatalogOffersTheConvolutionalProblems()
    {
        foreach (string name in new[] { "mnist-2c2d", "fmnist-2c2d", "cifar10-3c3d" })
        {
            Assert.Contains(name, ProblemCatalog.Names);
            Assert.Equal(name, ProblemCatalog.Get(name).Name);
        }
    }

    [Fact]
    public void MissingDatasetsExplainHowToGetThem()
    {
        string nowhere = Path.Combine(Path.GetTempPath(), "descent-missing-" + Guid.NewGuid().ToString("N"));
        var cifar = Assert.Throws<DatasetNotFoundException>(() => ProblemCatalog.Get("cifar10-3c3d").LoadData(nowhere));
        Assert.Contains("https://www.cs.toronto.edu/~kriz/cifar.html", DatasetHelp.Message(cifar));
        Assert.Contains("--data", DatasetHelp.Message(cifar));
        var mnist = Assert.Throws<DatasetNotFoundException>(() => ProblemCatalog.Get("mnist-2c2d").LoadData(nowhere));
        Assert.Contains("MNIST", DatasetHelp.Message(mnist));
        Assert.Contains("--data", DatasetHelp.Message(mnist));
        var searched = Assert.Throws<DatasetNotFoundException>(() => new DatasetLocator(DatasetLayout.Mnist, [nowhere]).Locate());
        Assert.Contains(nowhere, searched.Message);
    }

    [Fact]
    public void Fmnist2c2dTrainsOnMnistFormatFiles()
    {
        using var data = new Descent.Tests.Cli.SyntheticMnist(trainCount: 256, testCount: 64);
        var problem = ProblemCatalog.Get("fmnist-2c2d");
        var loaded = problem.LoadData(data.Directory);
        Assert.Equal([1, 28, 28], loaded.Train.SampleShape!);
        Assert.Equal(0, loaded.Train.Features.Average(v => (double)v), 1e-3);
        var trainer = new Trainer(problem, loaded, OptimizerSpec.Sgd(0.01, momentum: 0.9), new TrainingOptions { Epochs = 1, BatchSize = 64 });
        var result = trainer.Run()[^1];
        Assert.True(double.IsFinite(result.TrainLoss));
        Assert.InRange(result.TestAccuracy, 0, 1);
    }

    [Fact]
    public void Cifar3c3dTrainsOnCifarFormatFiles()
    {
        string dir = Path.Combine(Path.GetTempPath(), "descent-cifar-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var rng = new Rng(2);
            foreach (string name in Cifar10Format.FileNames)
            {
                var bytes = new byte[8 * Cifar10Format.RecordSize];
                for (int i = 0; i < bytes.Length; i++) bytes[i] = (byte)rng.NextInt(256);
                for (int r = 0; r < 8; r++) bytes[r * Cifar10Format.RecordSize] = (byte)(r % 10);
                File.WriteAllBytes(Path.Combine(dir, name), bytes);
            }
            var problem = ProblemCatalog.Get("cifar10-3c3d");
            var loaded = problem.LoadData(dir);
            Assert.Equal(40, loaded.Train.Count);
            Assert.Equal(8, loaded.Test.Count);
            Assert.Equal(0, loaded.Train.Features.Average(v => (double)v), 1e-4);
            var trainer = new Trainer(problem, loaded, OptimizerSpec.Sgd(0.01, momentum: 0.9), new TrainingOptions { Epochs = 1, BatchSize = 16 });
            var result = trainer.Run()[^1];
            Assert.True(double.IsFinite(result.TrainLoss));
            double penalty = Regularization.L2(Regularization.Weights(trainer.Model), 0.002).Item();
            Assert.True(result.TestLoss > penalty, "the test loss includes the L2 penalty");
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    /// <summary>A small 2c2d-like network on synthetic 12×12 images whose class is the bright quadrant.</summary>
    [Fact]
    public void ASmallConvNetLearnsSyntheticImages()
    {
        var rng = new Rng(5);
        int count = 64;
        var features = new float[count * 144];
        var labels = new int[count];
        for (int i = 0; i < count; i++)
        {
            labels[i] = i % 4;
            for (int r = 0; r < 12; r++)
                for (int c = 0; c < 12; c++)
                    features[i * 144 + r * 12 + c] = ((r / 6) * 2 + c / 6 == labels[i] ? 0.8f : 0.2f) + 0.2f * rng.NextFloat();
        }
        var data = new Dataset(features, labels, 144, 4, [1, 12, 12]);
        var model = new Sequential(new Conv2d(1, 4, 3, rng, padding: 1), new ReLU(), new MaxPool2d(2),
            new Conv2d(4, 8, 3, rng, padding: 1), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(8 * 9, 16, rng), new ReLU(), new Linear(16, 4, rng));
        ParameterBlock.Flatten(model);
        var sgd = new Sgd(model.NamedParameters(), new SgdOptions { Lr = 0.05, Momentum = 0.9 });
        var x = Tensor.Wrap(features, 0, count, 1, 12, 12);
        float first = 0, last = 0;
        for (int step = 0; step < 40; step++)
        {
            var loss = Losses.CrossEntropy(model.Forward(x), labels);
            if (step == 0) first = loss.Item();
            last = loss.Item();
            sgd.ZeroGrad();
            loss.Backward();
            sgd.Step();
        }
        Assert.True(last < 0.5f * first, $"loss went from {first} to {last}");
        var (_, accuracy) = Evaluation.Run(new FixedProblem(model), model, data, 32);
        Assert.True(accuracy > 0.9, $"accuracy {accuracy}");
    }

    private sealed class FixedProblem(Module model) : Problem
    {
        public override string Name => "fixed";
        public override string Description => "fixed";
        public override Module CreateModel(Rng rng) => model;
        public override ProblemData LoadData(string? dataDirectory) => throw new NotSupportedException();
    }
}
