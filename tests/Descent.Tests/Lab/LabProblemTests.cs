using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Tensors;
using Descent.Tests.Cli;

namespace Descent.Tests.Lab;

public class LabProblemTests
{
    [Fact]
    public void QuadraticDeepHasTheDeepObsSpectrumAndASymmetricHessian()
    {
        double[] q = QuadraticDeep.BuildHessian(out var eigenvalues);
        Assert.Equal(90, eigenvalues.Count(l => l is >= 0 and < 1));
        Assert.Equal(10, eigenvalues.Count(l => l is >= 30 and < 60));
        int n = QuadraticDeep.Dimension;
        double trace = 0;
        for (int i = 0; i < n; i++)
        {
            trace += q[i * n + i];
            for (int j = 0; j < i; j++) Assert.Equal(q[i * n + j], q[j * n + i], 9);
        }
        Assert.Equal(eigenvalues.Sum(), trace, 6);  // a rotation keeps the trace
        // ‖Q‖_F² = Σλ² for an orthogonal R.
        Assert.Equal(eigenvalues.Sum(l => l * l), q.Sum(v => v * v), 3);
    }

    [Fact]
    public void QuadraticDeepLossIsHalfTheQuadraticFormAveragedOverTheBatch()
    {
        var problem = new QuadraticDeep(trainSize: 8, testSize: 4);
        var data = problem.LoadData(null);
        Assert.Equal(8, data.Train.Count);
        var model = problem.CreateModel(new Rng(0));
        var theta = Assert.Single(model.NamedParameters());
        Assert.Equal("theta", theta.Name);
        Assert.All(theta.Value.ToArray(), v => Assert.Equal(1f, v));
        var x = Tensor.Wrap(data.Train.Features, 0, 8, QuadraticDeep.Dimension);
        var loss = problem.Loss(model.Forward(x), data.Train.Labels);
        double[] q = QuadraticDeep.BuildHessian(out _);
        int n = QuadraticDeep.Dimension;
        double expected = 0;
        for (int b = 0; b < 8; b++)
        {
            var d = Enumerable.Range(0, n).Select(i => (double)data.Train.Features[b * n + i] - 1).ToArray();
            for (int i = 0; i < n; i++) for (int j = 0; j < n; j++) expected += 0.5 * d[i] * q[i * n + j] * d[j];
        }
        Assert.Equal(expected / 8, loss.Item(), expected / 8 * 1e-4);
        // The gradient with respect to θ is Q (θ − x̄).
        loss.Backward();
        var mean = Enumerable.Range(0, n).Select(i => Enumerable.Range(0, 8).Average(b => (double)data.Train.Features[b * n + i])).ToArray();
        for (int i = 0; i < n; i += 17)
        {
            double g = 0;
            for (int j = 0; j < n; j++) g += q[i * n + j] * (1 - mean[j]);
            Assert.Equal(g, theta.Value.Grad!.Span[i], Math.Abs(g) * 1e-3 + 1e-3);
        }
    }

    [Fact]
    public void QuadraticDeepTrainsWithTheTrainer()
    {
        var problem = new QuadraticDeep(trainSize: 256, testSize: 128);
        var trainer = new Trainer(problem, problem.LoadData(null), OptimizerSpec.Sgd(0.01, 0.9), new TrainingOptions { Epochs = 3, BatchSize = 32 });
        var (initial, _) = Evaluation.Run(problem, trainer.Model, trainer.Data.Test, 128);
        var results = trainer.Run();
        // The noise floor is E[½ xᵀQx] = ½·0.36·tr Q ≈ 89; the loss falls towards it.
        Assert.True(results[0].TestLoss < initial && results[^1].TestLoss < results[0].TestLoss * 0.8, $"{initial} → {results[0].TestLoss} → {results[^1].TestLoss}");
    }

    [Fact]
    public void LogisticRegressionStartsAtZeroAndLearnsSyntheticData()
    {
        using var synthetic = new SyntheticMnist(trainCount: 400, testCount: 100);
        var problem = new MnistFormatLogReg(fashion: true);
        Assert.Equal("fmnist-logreg", problem.Name);
        Assert.Equal("mnist-logreg", new MnistFormatLogReg(fashion: false).Name);
        var model = problem.CreateModel(new Rng(1));
        Assert.Equal(784 * 10 + 10, model.ParameterCount());
        Assert.All(model.NamedParameters(), p => Assert.All(p.Value.ToArray(), v => Assert.Equal(0f, v)));
        var trainer = new Trainer(problem, problem.LoadData(synthetic.Directory), OptimizerSpec.Sgd(0.1), new TrainingOptions { Epochs = 2, BatchSize = 50 });
        Assert.True(trainer.Run()[^1].TestAccuracy > 0.9);
    }

    [Fact]
    public void DeepObsMnistMlpHasTheDeepObsShapeAndInitialization()
    {
        var problem = new DeepObsMnistMlp();
        Assert.Equal("mnist-mlp", problem.Name);
        var model = problem.CreateModel(new Rng(3));
        Assert.Equal(784 * 1000 + 1000 + 1000 * 500 + 500 + 500 * 100 + 100 + 100 * 10 + 10, model.ParameterCount());
        var weights = model.NamedParameters().Where(p => p.Name.EndsWith("weight", StringComparison.Ordinal)).SelectMany(p => p.Value.ToArray()).ToList();
        Assert.All(weights, w => Assert.InRange(w, -2 * DeepObsMnistMlp.InitStd, 2 * DeepObsMnistMlp.InitStd));
        double std = Math.Sqrt(weights.Average(w => (double)w * w));
        Assert.InRange(std, 0.85 * DeepObsMnistMlp.InitStd, 0.9 * DeepObsMnistMlp.InitStd);  // a ±2σ truncated normal has std 0.88σ
        Assert.All(model.NamedParameters().Where(p => p.Name.EndsWith("bias", StringComparison.Ordinal)), p => Assert.All(p.Value.ToArray(), v => Assert.Equal(0f, v)));
    }

    [Fact]
    public void MnistProblemsReadAnyMnistFormatDirectory()
    {
        using var synthetic = new SyntheticMnist(trainCount: 40, testCount: 10);
        var data = new DeepObsMnistMlp().LoadData(synthetic.Directory);
        Assert.Equal(40, data.Train.Count);
        Assert.Equal(0, data.Train.Features.Average(), 4);  // z-scored with the training set's statistics
    }
}
