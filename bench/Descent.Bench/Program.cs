using System.Globalization;
using Descent.Bench;

// Usage: dotnet run -c Release --project bench/Descent.Bench -- <benchmark> [options]
//   mlp [--data DIR] [--threads N]   one training epoch of the Fashion-MNIST MLP, GEMM shapes, PyTorch ratio
//   optim [LABEL...]                 the step of each optimizer (or of those labelled) on 10M parameters against a bandwidth probe and PyTorch
//   conv [--data DIR]                fmnist-2c2d training steps, epoch estimate, PyTorch ratio
//   gemm                             GEMM GFLOP/s for the MLP shapes and squares, against OpenBLAS when present
//   tune-store [--trials N] [--workers W] [--store sqlite|postgres|both] [--postgres URL]
//                                    the study store's time per trial under W worker processes (200 trials, 8 workers,
//                                    both stores by default; a throwaway PostgreSQL cluster unless --postgres is given)
string? Option(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
switch (args.FirstOrDefault())
{
    case "mlp":
        MlpBench.Run(Console.Out, Option("--data"), int.Parse(Option("--threads") ?? Environment.ProcessorCount.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture));
        return 0;
    case "optim":
        OptimizerBench.Run(Console.Out, args.Skip(1).ToArray());
        return 0;
    case "conv":
        ConvBench.Run(Console.Out, Option("--data"));
        return 0;
    case "gemm":
        GemmBench.Run(Console.Out);
        return 0;
    case "tune-store":
        return TuneStoreBench.Run(Console.Out, int.Parse(Option("--trials") ?? "200", CultureInfo.InvariantCulture),
            int.Parse(Option("--workers") ?? "8", CultureInfo.InvariantCulture), Option("--store") ?? "both",
            Option("--postgres") ?? Environment.GetEnvironmentVariable("DESCENT_BENCH_POSTGRES"));
    case "tune-store-worker":   // started by tune-store
        return TuneStoreBench.Worker(Console.Out, int.Parse(Option("--trials") ?? "200", CultureInfo.InvariantCulture));
    default:
        Console.Error.WriteLine("usage: Descent.Bench <benchmark>; benchmarks: mlp, optim, conv, gemm, tune-store");
        return 2;
}
