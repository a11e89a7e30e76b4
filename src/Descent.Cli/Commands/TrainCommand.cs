using System.CommandLine;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Optim;
using Descent.Threading;

namespace Descent.Cli.Commands;

/// <summary><c>descent train</c>: trains a problem's model with an optimizer and reports every epoch.</summary>
internal static class TrainCommand
{
    public static Command Create(TextWriter output)
    {
        var problem = new Option<string>("--problem") { Description = $"Problem to train: {string.Join(", ", ProblemCatalog.Names)}", DefaultValueFactory = _ => "fmnist-mlp" };
        var optimizer = new Option<string>("--optimizer") { Description = $"Optimizer: {string.Join(", ", OptimizerCatalog.Names.Select(n => n.ToLowerInvariant()))}", DefaultValueFactory = _ => "sgd" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per minibatch", DefaultValueFactory = _ => 128 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the run's random generator (initialization, shuffling, dropout)", DefaultValueFactory = _ => 0UL };
        var threads = new Option<int>("--threads") { Description = "Compute threads (default: all cores)", DefaultValueFactory = _ => Environment.ProcessorCount };
        var data = new Option<string?>("--data") { Description = "Directory with the MNIST-format files (default: /usr/share/datasets/fashion-mnist, then ~/.descent/data)" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training samples" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test samples" };
        var csv = new Option<string?>("--csv") { Description = "Also write the per-epoch results to this CSV file" };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw progress bars" };
        var schedule = ScheduleOption.Create();

        var command = new Command("train", "Train a model and print train loss, test loss, test accuracy and time per epoch.")
        {
            problem, optimizer, epochs, batchSize, seed, threads, data, trainLimit, testLimit, csv, noProgress, schedule,
        };
        var optimizerOptions = new OptimizerOptionSet(command);
        command.SetAction(parse =>
        {
            int threadCount = parse.GetValue(threads);
            if (threadCount < 1) throw new CliUsageException($"invalid --threads: must be at least 1 (got {threadCount})");
            ComputeThreads.Count = threadCount;
            var run = new TrainRun(
                ProblemCatalog.Get(parse.GetValue(problem)!),
                new OptimizerSpec(parse.GetValue(optimizer)!, optimizerOptions.Read(parse)),
                new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    Seed = parse.GetValue(seed),
                    TrainLimit = parse.GetValue(trainLimit),
                    TestLimit = parse.GetValue(testLimit),
                    Schedules = ScheduleOption.Read(parse, schedule),
                },
                parse.GetValue(data),
                parse.GetValue(csv));
            return run.Execute(output, showProgress: !parse.GetValue(noProgress));
        });
        return command;
    }
}
