using Descent.Tensors;

namespace Descent.Optim;

/// <summary>
/// Muon's quintic Newton–Schulz iteration, which maps a matrix G = USVᵀ to approximately UVᵀ, in float32 on
/// <see cref="Gemm"/> or in emulated bfloat16 as the official code computes it on a CPU. Owns its scratch buffers,
/// so repeated calls on the same sizes allocate nothing; one instance serves one optimizer (not thread-safe).
/// </summary>
/// <remarks>
/// <para>Float32: every matrix product is <see cref="Gemm.Multiply(bool, bool, int, int, int, float, ReadOnlySpan{float}, int, ReadOnlySpan{float}, int, float, Span{float}, int)"/>,
/// whose every output element is a fused multiply-add chain over k ascending from 0 — the order OpenBLAS uses for
/// the reference's small products (a test pins this equality); elementwise steps round like torch's.</para>
/// <para>BFloat16 (the official <c>X = G.bfloat16()</c>): every result is rounded to bfloat16 (8 significant bits),
/// and so are the constants. As torch 1.13 computes small bf16 products on a CPU, a product whose left operand is
/// row-major and whose right operand is a transposed view is a float32 dot product rounded once; every other
/// product rounds each term and each partial sum. For a tall G the iteration works on the view Gᵀ, which changes
/// which products are which. (Valid while m·n·k ≤ 16³; larger bf16 products go to oneDNN in torch.)</para>
/// </remarks>
internal sealed class NewtonSchulz
{
    private const double A = 3.4445, B = -4.7750, C = 2.0315;
    private float[] _input = [], _x = [], _a = [], _ca = [], _aa = [], _bx = [], _result = [];

    /// <summary>A scratch span of <paramref name="length"/> for the caller to write the matrix (or batch) into.</summary>
    public Span<float> Input(int length) => Grow(ref _input, length).AsSpan(0, length);

    /// <summary>
    /// Orthogonalizes each rows×cols matrix of <paramref name="g"/> (a batch, row-major) with <paramref name="steps"/>
    /// iterations; returns the result in a buffer valid until the next call.
    /// </summary>
    public ReadOnlySpan<float> Orthogonalize(ReadOnlySpan<float> g, int rows, int cols, int steps, NewtonSchulzPrecision precision)
    {
        int size = rows * cols;
        var result = Grow(ref _result, g.Length).AsSpan(0, g.Length);
        for (int start = 0; start < g.Length; start += size)
            One(g.Slice(start, size), rows, cols, steps, precision == NewtonSchulzPrecision.BFloat16, result.Slice(start, size));
        return result;
    }

    private void One(ReadOnlySpan<float> g, int rows, int cols, int steps, bool bf16, Span<float> result)
    {
        bool tall = rows > cols;                          // work on the wide orientation: X is r×c with r ≤ c
        int r = tall ? cols : rows, c = tall ? rows : cols;
        var x = Grow(ref _x, r * c).AsSpan(0, r * c);
        var a = Grow(ref _a, r * r).AsSpan(0, r * r);
        var ca = Grow(ref _ca, r * r).AsSpan(0, r * r);
        var aa = Grow(ref _aa, r * r).AsSpan(0, r * r);
        var bx = Grow(ref _bx, r * c).AsSpan(0, r * c);
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                x[i * c + j] = Round(tall ? g[j * cols + i] : g[i * c + j], bf16);      // X = G.float() / G.bfloat16(); X.mT if tall

        // X = X / (X.norm(dim=(-2, -1)) + 1e-7): torch 1.13's Frobenius norm, summed in G's memory order.
        float norm;
        if (bf16)
        {
            float sum = 0;
            foreach (float v in g) sum += Bf16(Bf16(v) * Bf16(v));
            norm = Bf16(MathF.Sqrt(Bf16(sum)));
        }
        else norm = TorchArithmetic.FrobeniusNorm(g);
        float denom = Round(norm + Round((float)1e-7, bf16), bf16);
        for (int i = 0; i < x.Length; i++) x[i] = Round(x[i] / denom, bf16);

        float fa = Round((float)A, bf16), fb = Round((float)B, bf16), fc = Round((float)C, bf16);
        for (int step = 0; step < steps; step++)
        {
            // A = X @ X.mT   (for a tall G, X is a transposed view: its left operand is not row-major)
            Multiply(x, x, a, r, r, c, transposeRight: true, bf16, onceRounded: !tall);
            // B = b * A + (c * A) @ A
            for (int i = 0; i < a.Length; i++) ca[i] = Round(fc * a[i], bf16);
            Multiply(ca, a, aa, r, r, r, transposeRight: false, bf16, onceRounded: false);
            for (int i = 0; i < a.Length; i++) ca[i] = Round(Round(fb * a[i], bf16) + aa[i], bf16);
            // X = a * X + B @ X   (for a tall G, X stays a transposed view: a right operand transposed in memory)
            Multiply(ca, x, bx, r, c, r, transposeRight: false, bf16, onceRounded: tall);
            for (int i = 0; i < x.Length; i++) x[i] = Round(Round(fa * x[i], bf16) + bx[i], bf16);
        }
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++)
                result[tall ? j * cols + i : i * c + j] = x[i * c + j];                 // X.mT back if tall
    }

    /// <summary>
    /// out (m×n) = left (m×k) · right (k×n, or n×k read transposed). float32: the GEMM. bfloat16: float32 dot
    /// products rounded once (<paramref name="onceRounded"/>), or every product and partial sum rounded.
    /// </summary>
    private static void Multiply(ReadOnlySpan<float> left, ReadOnlySpan<float> right, Span<float> output, int m, int n, int k, bool transposeRight, bool bf16, bool onceRounded)
    {
        if (!bf16)
        {
            Gemm.Multiply(false, transposeRight, m, n, k, 1f, left, k, right, transposeRight ? k : n, 0f, output, n);
            return;
        }
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++)
                {
                    float l = left[i * k + p], rt = transposeRight ? right[j * k + p] : right[p * n + j];
                    sum = onceRounded ? MathF.FusedMultiplyAdd(l, rt, sum) : Bf16(sum + Bf16(l * rt));
                }
                output[i * n + j] = Bf16(sum);
            }
    }

    private static float Round(float x, bool bf16) => bf16 ? Bf16(x) : x;

    /// <summary>Rounds a float32 to the nearest bfloat16 (ties to even), kept as a float32.</summary>
    public static float Bf16(float x)
    {
        if (float.IsNaN(x)) return x;
        uint bits = BitConverter.SingleToUInt32Bits(x);
        bits += 0x7FFFu + ((bits >> 16) & 1u);
        return BitConverter.UInt32BitsToSingle(bits & 0xFFFF0000u);
    }

    private static float[] Grow(ref float[] buffer, int length) => buffer.Length >= length ? buffer : buffer = new float[length];
}
