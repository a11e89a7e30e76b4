using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using Descent.Tensors;
using Descent.Threading;

namespace Descent.Bench;

/// <summary>
/// Times <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/> on the shapes of an MLP training step (784-512-256-10, batch 128) and on
/// squares, with 1 and 2 compute threads, next to OpenBLAS <c>cblas_sgemm</c> when <c>libopenblas.so.0</c> can be
/// loaded. The last row runs the eight multiplies of one training step back to back, as training does: only
/// there do the small ones find the second thread awake (alone, they do not wake it; see
/// <see cref="ComputeThreads"/>).
/// </summary>
public static class GemmBench
{
    private readonly record struct Shape(string Name, bool TransposeA, bool TransposeB, int M, int N, int K);

    /// <summary>The first <see cref="StepShapes"/> shapes are the multiplies of one MLP training step.</summary>
    private const int StepShapes = 8;

    private static readonly Shape[] Shapes =
    [
        new("fwd 784->512", false, true, 128, 512, 784),
        new("fwd 512->256", false, true, 128, 256, 512),
        new("fwd 256->10", false, true, 128, 10, 256),
        new("dW 512x784", true, false, 512, 784, 128),
        new("dW 256x512", true, false, 256, 512, 128),
        new("dW 10x256", true, false, 10, 256, 128),
        new("dx 512->784", false, false, 128, 512, 256),
        new("dx 10->256", false, false, 128, 256, 10),
        new("eval fwd b1000", false, true, 1000, 512, 784),
        new("eval fwd b10000", false, true, 10000, 512, 784),
        new("square 256", false, false, 256, 256, 256),
        new("square 512", false, false, 512, 512, 512),
        new("square 1024", false, false, 1024, 1024, 1024),
    ];

    /// <summary>Runs the benchmark and writes a table to <paramref name="output"/>.</summary>
    public static void Run(TextWriter output)
    {
        Operands[] data = Shapes.Select(shape => new Operands(shape)).ToArray();
        Operands[] step = data[..StepShapes];
        int savedThreads = ComputeThreads.Count;
        var ours = new double[Shapes.Length + 1, 2];
        try
        {
            for (int t = 0; t < 2; t++)
            {
                ComputeThreads.Count = t + 1;
                for (int s = 0; s < Shapes.Length; s++)
                    ours[s, t] = Seconds(data[s].RunOurs);
                ours[Shapes.Length, t] = Seconds(() => { foreach (Operands o in step) o.RunOurs(); });
            }
        }
        finally
        {
            ComputeThreads.Count = savedThreads;
        }

        // OpenBLAS's threads spin after each call, so it is timed only once ours are done.
        double[,]? blas = OpenBlas.TryLoad(output) ? new double[Shapes.Length + 1, 2] : null;
        if (blas is not null)
        {
            for (int t = 0; t < 2; t++)
            {
                OpenBlas.SetThreads(t + 1);
                for (int s = 0; s < Shapes.Length; s++)
                    blas[s, t] = Seconds(data[s].RunOpenBlas);
                blas[Shapes.Length, t] = Seconds(() => { foreach (Operands o in step) o.RunOpenBlas(); });
            }
        }

        output.WriteLine($"Gemm path: {Gemm.DefaultPath} (micro-kernel {GemmPlan.Choose(128, 512, 784, Gemm.DefaultPath).Tile} on the first shape); " +
            $"Vector512 {Vector512.IsHardwareAccelerated}, Vector256 {Vector256.IsHardwareAccelerated}, AVX2 {Avx2.IsSupported}, FMA {Fma.IsSupported || AdvSimd.IsSupported}, {RuntimeInformation.ProcessArchitecture}");
        output.WriteLine("median time per call and GFLOP/s; 1T/2T = compute threads");
        output.Write($"{"shape",-16} {"op",-4} {"m",6} {"n",5} {"k",5} | {"1T µs",9} {"GF/s",6} | {"2T µs",9} {"GF/s",6}");
        output.WriteLine(blas is null ? "" : $" | {"BLAS 1T",7} {"BLAS 2T",7} | {"ratio1",6} {"ratio2",6}");
        for (int s = 0; s <= Shapes.Length; s++)
        {
            double flops;
            if (s < Shapes.Length)
            {
                Shape sh = Shapes[s];
                flops = 2.0 * sh.M * sh.N * sh.K;
                string op = (sh.TransposeA ? "T" : "N") + (sh.TransposeB ? "T" : "N");
                output.Write($"{sh.Name,-16} {op,-4} {sh.M,6} {sh.N,5} {sh.K,5}");
            }
            else
            {
                flops = Shapes[..StepShapes].Sum(sh => 2.0 * sh.M * sh.N * sh.K);
                output.Write($"{"MLP train step",-16} {"all 8 above",-22}");
            }
            output.Write($" | {ours[s, 0] * 1e6,9:F1} {flops / ours[s, 0] / 1e9,6:F1} | {ours[s, 1] * 1e6,9:F1} {flops / ours[s, 1] / 1e9,6:F1}");
            if (blas is not null)
                output.Write($" | {flops / blas[s, 0] / 1e9,7:F1} {flops / blas[s, 1] / 1e9,7:F1} | {blas[s, 0] / ours[s, 0],6:F2} {blas[s, 1] / ours[s, 1],6:F2}");
            output.WriteLine();
        }
        output.WriteLine("ratio = OpenBLAS time / our time (above 1: we are faster).");

        // The scalar oracle on one square, to show what the packed path buys over a plain loop.
        Operands square = data[Array.FindIndex(Shapes, sh => sh.Name == "square 256")];
        double reference = Seconds(square.RunReference);
        double packed = ours[Array.FindIndex(Shapes, sh => sh.Name == "square 256"), 0];
        output.WriteLine($"GemmReference (scalar loop, test oracle) on square 256: {2.0 * 256 * 256 * 256 / reference / 1e9:F2} GFLOP/s; {Gemm.DefaultPath} 1T is {reference / packed:F1}x faster");
    }

    /// <summary>Median seconds per call: calls are batched to ~20 ms per sample after a warm-up.</summary>
    private static double Seconds(Action call)
    {
        call();
        var watch = Stopwatch.StartNew();
        int calls = 0;
        while (watch.Elapsed.TotalMilliseconds < 100 || calls < 3)
        {
            call();
            calls++;
        }
        int batch = Math.Max(1, (int)(calls * 20.0 / watch.Elapsed.TotalMilliseconds));
        var samples = new double[9];
        for (int r = 0; r < samples.Length; r++)
        {
            long start = Stopwatch.GetTimestamp();
            for (int i = 0; i < batch; i++)
                call();
            samples[r] = Stopwatch.GetElapsedTime(start).TotalSeconds / batch;
        }
        Array.Sort(samples);
        return samples[samples.Length / 2];
    }

    private sealed class Operands
    {
        private readonly Shape _shape;
        private readonly float[] _a, _b, _c;

        public Operands(Shape shape)
        {
            _shape = shape;
            var rng = new Rng(42);
            _a = Fill(rng, shape.M * shape.K);
            _b = Fill(rng, shape.K * shape.N);
            _c = new float[shape.M * shape.N];
        }

        private int Lda => _shape.TransposeA ? _shape.M : _shape.K;
        private int Ldb => _shape.TransposeB ? _shape.K : _shape.N;

        public void RunOurs() => Gemm.Multiply(_shape.TransposeA, _shape.TransposeB, _shape.M, _shape.N, _shape.K,
            1f, _a, Lda, _b, Ldb, 0f, _c, _shape.N);

        public void RunReference() => GemmReference.Multiply(_shape.TransposeA, _shape.TransposeB, _shape.M, _shape.N, _shape.K,
            1f, _a, Lda, _b, Ldb, 0f, _c, _shape.N);

        public unsafe void RunOpenBlas()
        {
            fixed (float* a = _a, b = _b, c = _c)
                OpenBlas.Sgemm(_shape.TransposeA, _shape.TransposeB, _shape.M, _shape.N, _shape.K, 1f, a, Lda, b, Ldb, 0f, c, _shape.N);
        }

        private static float[] Fill(Rng rng, int count)
        {
            var values = new float[count];
            for (int i = 0; i < count; i++)
                values[i] = rng.Uniform(-1f, 1f);
            return values;
        }
    }

    private static unsafe class OpenBlas
    {
        private const int RowMajor = 101, NoTrans = 111, Trans = 112;
        private static delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> _sgemm;
        private static delegate* unmanaged<int, void> _setThreads;

        public static bool TryLoad(TextWriter output)
        {
            if (!NativeLibrary.TryLoad("libopenblas.so.0", out nint handle)
                || !NativeLibrary.TryGetExport(handle, "cblas_sgemm", out nint sgemm)
                || !NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out nint setThreads))
            {
                output.WriteLine("OpenBLAS (libopenblas.so.0 with cblas_sgemm) not found: skipping the comparison.");
                return false;
            }
            _sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
            _setThreads = (delegate* unmanaged<int, void>)setThreads;
            return true;
        }

        public static void SetThreads(int threads) => _setThreads(threads);

        public static void Sgemm(bool transA, bool transB, int m, int n, int k, float alpha,
            float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
            => _sgemm(RowMajor, transA ? Trans : NoTrans, transB ? Trans : NoTrans, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }
}
