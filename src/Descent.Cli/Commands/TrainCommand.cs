using System.CommandLine;
using Descent.Lab.Problems;
using Descent.Lab.Training;
using Descent.Optim;
using Descent.Threading;

namespace Descent.Cli.Commands;

/// <summary><c>descent train</c>: trains a problem's model with an optimizer and reports every epoch.</summary>
internal static class TrainCommand
{
    /// <summary>The default of --checkpoint-dir.</summary>
    public const string DefaultCheckpointDirectory = "runs/checkpoints";

    private static OptimizerSpec OptimizerSpecOf((string Name, Dictionary<string, object> Options) resolved) => new(resolved.Name, resolved.Options);

    public static Command Create(TextWriter output)
    {
        var problem = new Option<string>("--problem") { Description = $"Problem to train: {string.Join(", ", ProblemCatalog.Names)}", DefaultValueFactory = _ => "fmnist-mlp" };
        var optimizer = new Option<string>("--optimizer") { Description = $"Optimizer: {string.Join(", ", OptimizerCatalog.Names.Select(n => n.ToLowerInvariant()))}", DefaultValueFactory = _ => "sgd" };
        var epochs = new Option<int>("--epochs") { Description = "Passes over the training set", DefaultValueFactory = _ => 10 };
        var batchSize = new Option<int>("--batch-size") { Description = "Samples per minibatch", DefaultValueFactory = _ => 128 };
        var seed = new Option<ulong>("--seed") { Description = "Seed of the run's random generator (initialization, shuffling, dropout)", DefaultValueFactory = _ => 0UL };
        var threads = new Option<int>("--threads") { Description = "Compute threads [default: all cores]; results are bit-identical for any count", DefaultValueFactory = _ => Environment.ProcessorCount };
        var data = new Option<string?>("--data") { Description = "Directory with the MNIST-format files [default: /usr/share/datasets/fashion-mnist, then ~/.descent/data]" };
        var trainLimit = new Option<int?>("--train-limit") { Description = "Use only the first N training samples" };
        var testLimit = new Option<int?>("--test-limit") { Description = "Use only the first N test samples" };
        var csv = new Option<string?>("--csv") { Description = "Also write the per-epoch results to this CSV file" };
        var noProgress = new Option<bool>("--no-progress") { Description = "Do not draw progress bars" };
        var schedule = ScheduleOption.Create();
        var checkpointEvery = new Option<int?>("--checkpoint-every")
        {
            Description = "Save a checkpoint every N optimizer steps, and at the end of training, in --checkpoint-dir: weights, optimizer " +
                "state, random generator, data order, schedules and config in one safetensors file, written atomically " +
                "(a crash never leaves a half-written checkpoint)",
            HelpName = "N",
        };
        var checkpointDir = new Option<string>("--checkpoint-dir")
        {
            Description = "Directory of the checkpoints, named ckpt-<step>.safetensors; it is created, and checked to be writable, before training starts. " +
                "While training writes it, it is locked (.descent.lock, with the process id and host): a second training into it fails at once " +
                "(exit 2) naming the holder; a lock left by a process that is gone is taken over",
            DefaultValueFactory = _ => DefaultCheckpointDirectory,
            HelpName = "DIR",
        };
        var keep = new Option<int>("--keep") { Description = "Keep the newest K checkpoints, deleting older ones", DefaultValueFactory = _ => 3, HelpName = "K" };
        var resume = new Option<string?>("--resume")
        {
            Description = "Continue from the checkpoint PATH or, without PATH, from the newest in --checkpoint-dir (starting from the " +
                "beginning when there is none). The run continues exactly as if never interrupted: same weights, bit for bit. " +
                "Give the same problem, optimizer options, batch size, seed, limits and schedules; a checkpoint of a different " +
                "run is refused, naming what differs",
            Arity = ArgumentArity.ZeroOrOne,
            HelpName = "PATH",
        };
        var save = new Option<string?>("--save")
        {
            Description = "Write the final weights to this safetensors file (PyTorch: model.load_state_dict(safetensors.torch.load_file(PATH)))",
            HelpName = "PATH",
        };
        var nonFinite = new Option<string>("--non-finite")
        {
            Description = "When a step's loss or gradient is NaN or infinite: throw (stop with exit code 4, naming the step and " +
                "parameter; the last checkpoint stays the last good one) or skip (leave weights and optimizer state unchanged for that step)",
            DefaultValueFactory = _ => "throw",
        };
        nonFinite.AcceptOnlyFromAmong("throw", "skip");

        var command = new Command("train", "Train a model and print train loss, test loss, test accuracy and time per epoch.")
        {
            problem, optimizer, epochs, batchSize, seed, threads, data, trainLimit, testLimit, csv, noProgress, schedule,
            checkpointEvery, checkpointDir, keep, resume, save, nonFinite,
        };
        var optimizerOptions = new OptimizerOptionSet(command);
        command.WithExamples(
        [
            ("descent train", "SGD at lr 0.1 on Fashion-MNIST (fmnist-mlp), 10 epochs"),
            ("descent train --optimizer adam --epochs 5", "Adam with PyTorch's defaults"),
            ("descent train --lr 0.05 --momentum 0.9 --schedule \"momentum=ramp:start=0.5,end=0.9@epoch\"", "the lectures' momentum ramp"),
            ("descent train --checkpoint-every 500 --resume", "checkpoint as it goes; run again to continue after a crash"),
        ], "3 a missing, unreadable or malformed file, 4 the loss diverged");
        command.SetAction(parse =>
        {
            int threadCount = parse.GetValue(threads);
            if (threadCount < 1) throw new CliUsageException($"invalid --threads: must be at least 1 (got {threadCount})");
            ComputeThreads.Count = threadCount;
            var run = new TrainRun(
                ProblemCatalog.Get(parse.GetValue(problem)!),
                OptimizerSpecOf(optimizerOptions.Resolve(parse, parse.GetValue(optimizer)!)),
                new TrainingOptions
                {
                    Epochs = parse.GetValue(epochs),
                    BatchSize = parse.GetValue(batchSize),
                    Seed = parse.GetValue(seed),
                    TrainLimit = parse.GetValue(trainLimit),
                    TestLimit = parse.GetValue(testLimit),
                    Schedules = ScheduleOption.Read(parse, schedule),
                    NonFinitePolicy = parse.GetValue(nonFinite) == "skip" ? NonFinitePolicy.SkipStep : NonFinitePolicy.Throw,
                },
                parse.GetValue(data),
                parse.GetValue(csv),
                new CheckpointSettings(
                    parse.GetValue(checkpointEvery),
                    parse.GetValue(checkpointDir)!,
                    parse.GetValue(keep),
                    Resume: parse.GetResult(resume) is not null,
                    ResumePath: parse.GetValue(resume),
                    SavePath: parse.GetValue(save)));
            return run.Execute(output, showProgress: !parse.GetValue(noProgress));
        });
        return command;
    }
}
