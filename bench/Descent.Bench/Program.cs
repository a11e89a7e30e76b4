using Descent.Bench;

// Usage: dotnet run -c Release --project bench/Descent.Bench -- <benchmark>
switch (args.FirstOrDefault())
{
    case "gemm":
        GemmBench.Run(Console.Out);
        return 0;
    default:
        Console.Error.WriteLine("usage: Descent.Bench <benchmark>; benchmarks: gemm");
        return 2;
}
