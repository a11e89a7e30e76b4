using Descent.Data;
using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;
using Descent.Tensors.Kernels;

namespace Descent.Tests.Paths;

/// <summary>
/// Checksums (FNV-1a over the float bits) of what the vector paths compute: reductions and transcendental kernels
/// on fixed data, GEMMs of the MLP's shapes, one step of each optimizer, and short real trainings on
/// Fashion-MNIST — an MLP with SGD momentum and with Adam, and a small convolutional net with batch norm and
/// pooling with Adam. Equal checksums on two paths mean equal bits.
/// </summary>
internal static class PathChecksums
{
    /// <summary>Every checksum, by name, in a fixed order.</summary>
    public static SortedDictionary<string, string> Compute(Dataset train)
    {
        var sums = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var rng = new Rng(31);
        float[] values = Enumerable.Range(0, 1237).Select(_ => rng.Uniform(-10f, 10f)).ToArray();
        float[] positive = values.Select(MathF.Abs).ToArray();
        var output = new float[values.Length];
        sums["kernel.sum"] = Hash([Elementwise.Sum(values)]);
        sums["kernel.sum-of-squares"] = BitConverter.DoubleToInt64Bits(Elementwise.SumOfSquaresDouble(values)).ToString("x16");
        Elementwise.Exp(values, output);
        sums["kernel.exp"] = Hash(output);
        Elementwise.Tanh(values, output);
        sums["kernel.tanh"] = Hash(output);
        Elementwise.Sigmoid(values, output);
        sums["kernel.sigmoid"] = Hash(output);
        Elementwise.Log(positive, output);
        sums["kernel.log"] = Hash(output);

        foreach ((bool ta, bool tb, int m, int n, int k) in new[] { (false, true, 128, 512, 784), (true, false, 512, 784, 128), (false, false, 128, 10, 1100), (false, true, 128, 10, 256) })
        {
            float[] a = Enumerable.Range(0, m * k).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
            float[] b = Enumerable.Range(0, k * n).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
            float[] c = Enumerable.Range(0, m * n).Select(_ => rng.Uniform(-1f, 1f)).ToArray();
            Gemm.Multiply(ta, tb, m, n, k, 0.75f, a, ta ? m : k, b, tb ? k : n, 0.5f, c, n);
            sums[$"gemm.{(ta ? "T" : "N")}{(tb ? "T" : "N")}.{m}x{n}x{k}"] = Hash(c);
        }

        foreach (string name in new[] { "sgd", "adam", "adamw", "adagrad", "adadelta", "rmsprop", "adamax", "nadam", "radam", "rprop", "asgd", "lion" })
            sums[$"optimizer.{name}"] = OptimizerSteps(name);

        sums["train.mlp.sgd-momentum"] = TrainMlp(train, "sgd", new() { ["lr"] = 0.05, ["momentum"] = 0.9 });
        sums["train.mlp.adam"] = TrainMlp(train, "adam", new() { ["lr"] = 1e-3 });
        sums["train.conv.adam"] = TrainConv(train);
        return sums;
    }

    /// <summary>Three steps of an optimizer on 1000 parameters with fixed random gradients.</summary>
    private static string OptimizerSteps(string name)
    {
        var rng = new Rng(41);
        var p = Tensor.FromArray(Enumerable.Range(0, 1000).Select(_ => rng.Uniform(-1f, 1f)).ToArray(), 1000);
        p.RequiresGrad = true;
        var options = new Dictionary<string, object> { ["lr"] = 0.01 };
        if (name == "sgd") { options["momentum"] = 0.9; options["nesterov"] = true; }
        var optimizer = OptimizerCatalog.Create(name, [new NamedParameter("p", p)], new TorchOptions(options));
        for (int step = 0; step < 3; step++)
        {
            p.Grad = Tensor.FromArray(Enumerable.Range(0, 1000).Select(_ => rng.Uniform(-1f, 1f)).ToArray(), 1000);
            optimizer.Step();
        }
        return Hash(p.Span.ToArray());
    }

    private static string TrainMlp(Dataset train, string optimizerName, Dictionary<string, object> options)
    {
        var rng = new Rng(0);
        var model = new Sequential(new Linear(784, 128, rng), new ReLU(), new Linear(128, 64, rng), new ReLU(), new Linear(64, 10, rng));
        return Train(model, train, optimizerName, options, rng, batchSize: 64, steps: 8, image: false);
    }

    private static string TrainConv(Dataset train)
    {
        var rng = new Rng(1);
        var model = new Sequential(
            new Conv2d(1, 8, 3, rng, padding: 1), new BatchNorm2d(8), new ReLU(), new MaxPool2d(2),
            new Conv2d(8, 16, 3, rng, padding: 1), new ReLU(), new MaxPool2d(2),
            new Flatten(), new Linear(16 * 7 * 7, 10, rng));
        return Train(model, train, "adam", new() { ["lr"] = 1e-3 }, rng, batchSize: 32, steps: 4, image: true);
    }

    private static string Train(Module model, Dataset train, string optimizerName, Dictionary<string, object> options, Rng rng, int batchSize, int steps, bool image)
    {
        var optimizer = OptimizerCatalog.Create(optimizerName, model.NamedParameters(), new TorchOptions(options));
        var losses = new List<float>();
        foreach (var batch in new DataLoader(train, batchSize, shuffle: true, dropLast: true, rng: rng).Take(steps))
        {
            var x = image ? Tensor.Wrap(batch.Features, 0, batch.Count, 1, 28, 28) : Tensor.Wrap(batch.Features, 0, batch.Count, batch.FeatureSize);
            var loss = Losses.CrossEntropy(model.Forward(x), batch.LabelSpan);
            optimizer.ZeroGrad();
            loss.Backward();
            optimizer.Step();
            losses.Add(loss.Span[0]);
        }
        var all = new List<float>(losses);
        foreach (var p in model.NamedParameters()) all.AddRange(p.Value.Span.ToArray());
        foreach (var (_, buffer) in model.NamedBuffers()) all.AddRange(buffer.Span.ToArray());
        return Hash([.. all]);
    }

    /// <summary>FNV-1a, 64 bits, over the float bit patterns, as 16 hex digits.</summary>
    public static string Hash(float[] values)
    {
        ulong h = 14695981039346656037;
        foreach (float v in values)
        {
            h ^= (uint)BitConverter.SingleToInt32Bits(v);
            h *= 1099511628211;
        }
        return h.ToString("x16");
    }
}
