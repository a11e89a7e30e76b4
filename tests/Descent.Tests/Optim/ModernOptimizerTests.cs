using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

/// <summary>
/// What the conformance recordings do not cover: LARS (no reference recording: hand-derived values), Muon's pairing
/// with its auxiliary AdamW and its GEMM order, state dicts of state not shaped like the parameter, and validation.
/// </summary>
public class ModernOptimizerTests
{
    private static NamedParameter Param(string name, float[] values, params int[] shape)
    {
        var t = Tensor.FromArray(values, shape.Length == 0 ? [values.Length] : shape);
        t.RequiresGrad = true;
        return new NamedParameter(name, t);
    }

    [Fact]
    public void LarsTakesTheStepsDerivedByHandFromItsFormula()
    {
        // θ = (3, 4), ‖θ‖ = 5; g = (0.6, 0.8), ‖g‖ = 1; lr 1, ζ = 0.001, μ = 0.9, λ = 0, ε = 0.
        // Step 1: r = 0.001·5/1 = 0.005; t = −0.005·g = (−0.003, −0.004); θ = (2.997, 3.996).
        // Step 2 (same g): ‖θ‖ = 4.995 (θ moved along g), r = 0.004995; −r·g = (−0.002997, −0.003996);
        //   t = that + 0.9·(−0.003, −0.004) = (−0.005697, −0.007596); θ = (2.991303, 3.988404).
        var p = Param("w", [3f, 4f]);
        var lars = new Lars([p], new LarsOptions());
        p.Value.Grad = Tensor.FromArray([0.6f, 0.8f], 2);
        lars.Step();
        Assert.Equal(2.997, p.Value.ToArray()[0], 1e-6);
        Assert.Equal(3.996, p.Value.ToArray()[1], 1e-6);
        lars.Step();
        Assert.Equal(2.991303, p.Value.ToArray()[0], 1e-6);
        Assert.Equal(3.988404, p.Value.ToArray()[1], 1e-6);
        Assert.Equal(-0.007596, lars.StateOf("w").Buffers["trace"].ToArray()[1], 1e-7);
    }

    [Fact]
    public void LarsWithWeightDecayUsesTheNormOfTheDecayedGradient()
    {
        // θ = (3, 4), g = (0.3, 0.4), λ = 0.1: u = g + λθ = (0.6, 0.8), ‖u‖ = 1, r = 0.001·5/1 — the first step of the test above.
        var p = Param("w", [3f, 4f]);
        var lars = new Lars([p], new LarsOptions { WeightDecay = 0.1, Momentum = 0 });
        p.Value.Grad = Tensor.FromArray([0.3f, 0.4f], 2);
        lars.Step();
        Assert.Equal(2.997, p.Value.ToArray()[0], 1e-6);
        Assert.Equal(3.996, p.Value.ToArray()[1], 1e-6);
    }

    [Theory]
    [InlineData(3, 17)]
    [InlineData(4, 8)]
    [InlineData(6, 6)]
    [InlineData(17, 3)]
    [InlineData(5, 40)]
    public void TheGemmSumsEachOutputAsTheReferencesFusedChain(int m, int k)
    {
        // Muon's Newton–Schulz products (X·Xᵀ, (cA)·A, B·X) must sum each output as OpenBLAS does for the reference:
        // a fused multiply-add chain over k ascending from 0. Descent's GEMM must give exactly that for these shapes.
        var rng = new Random(7);
        var a = Enumerable.Range(0, m * k).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var b = Enumerable.Range(0, k * m).Select(_ => (float)(rng.NextDouble() * 2 - 1)).ToArray();
        var c = new float[m * m];
        Gemm.Multiply(false, false, m, m, k, 1f, a, k, b, m, 0f, c, m);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < m; j++)
            {
                float sum = 0;
                for (int p = 0; p < k; p++) sum = MathF.FusedMultiplyAdd(a[i * k + p], b[p * m + j], sum);
                Assert.Equal(sum, c[i * m + j]);
            }
    }

    [Fact]
    public void MuonOrthogonalizesMatricesAndStepsVectorsWithItsAuxiliaryAdamW()
    {
        var w = Param("weight", [.. Enumerable.Range(0, 12).Select(i => 0.1f * i)], 3, 4);
        var bias = Param("bias", [1f, 2f, 3f]);
        var muon = new Muon([w, bias], new MuonOptions());
        w.Value.Grad = Tensor.FromArray([.. Enumerable.Range(0, 12).Select(i => (float)Math.Sin(i))], 3, 4);
        bias.Value.Grad = Tensor.FromArray([0.5f, -0.5f, 0f], 3);
        muon.Step();
        Assert.Equal(["momentum_buffer"], muon.StateOf("weight").Buffers.Keys);
        Assert.Equal(["exp_avg", "exp_avg_sq"], muon.StateOf("bias").Buffers.Keys.Order());
        // AdamW's first step moves each coordinate by lr·sign(g) (m̂/√v̂ = ±1); a zero gradient leaves it.
        var b = bias.Value.ToArray();
        Assert.Equal(1 - 3e-4, b[0], 1e-6);
        Assert.Equal(2 + 3e-4, b[1], 1e-6);
        Assert.Equal(3f, b[2]);
        // The reference steps a matrix without a gradient too (with a zero gradient): its momentum keeps moving it.
        var before = w.Value.ToArray();
        w.Value.Grad = null;
        bias.Value.Grad = null;
        muon.Step();
        Assert.NotEqual(before, w.Value.ToArray());
        Assert.Equal(2, muon.StateOf("bias").Step);
    }

    [Fact]
    public void MuonsOrthogonalizedUpdateEvensOutTheDirections()
    {
        // With momentum 0, lr 1 and a zero weight, the parameter after one step is −NS5(G). G's rows differ 100× in
        // size; NS5(G)'s rows are nearly orthonormal: the quintic leaves singular values in
        // roughly [0.5, 1.5] (Jordan et al.), so each row's squared norm is in [0.25, 2.25] and the rows stay orthogonal.
        var w = Param("w", new float[16], 2, 8);
        var muon = new Muon([w], new MuonOptions { Lr = 1, Momentum = 0, Nesterov = false });
        w.Value.Grad = Tensor.FromArray([.. Enumerable.Range(0, 16).Select(i => (float)Math.Cos(3 * i) * (i < 8 ? 10 : 0.1f))], 2, 8);
        muon.Step();
        var x = w.Value.ToArray();
        double Dot(int r, int s) => Enumerable.Range(0, 8).Sum(j => (double)x[r * 8 + j] * x[s * 8 + j]);
        Assert.InRange(Dot(0, 0), 0.25, 2.25);
        Assert.InRange(Dot(1, 1), 0.25, 2.25);
        Assert.InRange(Math.Abs(Dot(0, 1)), 0, 0.3);
    }

    [Fact]
    public void AdafactorFactorsAndResumesFromItsStateDictBitForBit()
    {
        float[] init = [.. Enumerable.Range(0, 30).Select(i => (float)Math.Sin(i + 1))];
        Tensor Grad(int step) => Tensor.FromArray([.. Enumerable.Range(0, 30).Select(i => (float)Math.Cos(i * step + 0.5))], 2, 3, 5);
        var a = Param("w", (float[])init.Clone(), 2, 3, 5);
        var straight = new Adafactor([a], new AdafactorOptions { WeightDecay = 0.1 });
        for (int s = 1; s <= 6; s++) { a.Value.Grad = Grad(s); straight.Step(); }

        var b = Param("w", (float[])init.Clone(), 2, 3, 5);
        var first = new Adafactor([b], new AdafactorOptions { WeightDecay = 0.1 });
        for (int s = 1; s <= 3; s++) { b.Value.Grad = Grad(s); first.Step(); }
        var dict = first.StateDict();
        Assert.Equal(new Shape(2, 3, 1), dict.Buffers["w.row_var"].Shape);
        Assert.Equal(new Shape(2, 1, 5), dict.Buffers["w.col_var"].Shape);
        var resumed = new Adafactor([b], new AdafactorOptions { WeightDecay = 0.1 });
        resumed.LoadStateDict(dict);
        for (int s = 4; s <= 6; s++) { b.Value.Grad = Grad(s); resumed.Step(); }
        Assert.Equal(a.Value.ToArray(), b.Value.ToArray());

        dict.Buffers["w.row_var"] = Tensor.Zeros(2, 3, 5);
        var e = Assert.Throws<ArgumentException>(() => resumed.LoadStateDict(dict));
        Assert.Contains("w.row_var", e.Message);
        Assert.Contains("[2, 3, 1]", e.Message);
    }

    [Fact]
    public void ProdigyResumesFromItsStateDictWithItsGroupScalarsBitForBit()
    {
        float[] init = [0.5f, -1f, 2f, 0.25f, 1.5f];
        Tensor Grad(int step) => Tensor.FromArray([.. Enumerable.Range(0, 5).Select(i => (float)Math.Cos(i * step) + 0.3f)], 5);
        var a = Param("w", (float[])init.Clone());
        var straight = new Prodigy([a], new ProdigyOptions());
        for (int s = 1; s <= 8; s++) { a.Value.Grad = Grad(s); straight.Step(); }

        var b = Param("w", (float[])init.Clone());
        var first = new Prodigy([b], new ProdigyOptions());
        for (int s = 1; s <= 4; s++) { b.Value.Grad = Grad(s); first.Step(); }
        var dict = first.StateDict();
        Assert.Equal(["group0.d", "group0.d_denom", "group0.d_hat", "group0.d_max", "group0.d_numerator", "group0.k"], dict.GlobalScalars.Keys.Order());
        Assert.Equal(4.0, dict.GlobalScalars["group0.k"]);
        var resumed = new Prodigy([b], new ProdigyOptions());
        resumed.LoadStateDict(dict);
        for (int s = 5; s <= 8; s++) { b.Value.Grad = Grad(s); resumed.Step(); }
        Assert.Equal(a.Value.ToArray(), b.Value.ToArray());
        Assert.Equal(straight.ParamGroups[0].Scalars["d"], resumed.ParamGroups[0].Scalars["d"]);
    }

    [Theory]
    [InlineData("Muon", "ns_dtype", "float16")]
    [InlineData("Muon", "momentum", 1.0)]
    [InlineData("Adafactor", "d", 0.5)]
    [InlineData("Adafactor", "beta2_decay", 0.5)]
    [InlineData("Lamb", "eps", -1.0)]
    [InlineData("LARS", "trust_coefficient", -0.1)]
    [InlineData("Prodigy", "d0", 0.0)]
    [InlineData("Prodigy", "growth_rate", 0.5)]
    [InlineData("AdEMAMix", "alpha", -2.0)]
    [InlineData("AdEMAMix", "beta3_warmup", 2.5)]
    public void AnInvalidOptionIsAnErrorNamingIt(string optimizer, string key, object value)
    {
        var p = Param("p", [1f, 2f], 1, 2);
        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create(optimizer, [p],
            new TorchOptions(new Dictionary<string, object> { [key] = value })));
        Assert.Equal((key, optimizer), (e.Key, e.Owner));
    }

    [Fact]
    public void AdEMAMixNeedsThreeBetas()
    {
        var p = Param("p", [1f]);
        var e = Assert.Throws<InvalidOptionException>(() => OptimizerCatalog.Create("ademamix", [p],
            new TorchOptions(new Dictionary<string, object> { ["betas"] = new[] { 0.9, 0.999 } })));
        Assert.Equal("betas", e.Key);
        Assert.Contains("3 numbers", e.Message);
    }

    [Fact]
    public void DefaultsAreTheReferences()
    {
        var m = new MuonOptions();
        Assert.Equal((0.02, 0.95, 0.0, true, 5, NewtonSchulzPrecision.Float32, 3e-4, (0.9, 0.95), 1e-10),
            (m.Lr, m.Momentum, m.WeightDecay, m.Nesterov, m.NsSteps, m.NsDtype, m.AdamLr, m.AdamBetas, m.AdamEps));
        var a = new AdafactorOptions();
        Assert.Equal((1e-2, -0.8, (double?)null, 1e-3, 1.0, 0.0), (a.Lr, a.Beta2Decay, a.Eps1, a.Eps2, a.D, a.WeightDecay));
        var l = new LambOptions();
        Assert.Equal((1e-3, (0.9, 0.999), 1e-6, 0.0, false), (l.Lr, l.Betas, l.Eps, l.WeightDecay, l.Adam));
        var r = new LarsOptions();
        Assert.Equal((1.0, 0.0, 0.001, 0.0, 0.9, false), (r.Lr, r.WeightDecay, r.TrustCoefficient, r.Eps, r.Momentum, r.Nesterov));
        var p = new ProdigyOptions();
        Assert.Equal((1.0, (0.9, 0.999), (double?)null, 1e-8, 1e-6, 1.0, double.PositiveInfinity, 1, true),
            (p.Lr, p.Betas, p.Beta3, p.Eps, p.D0, p.DCoef, p.GrowthRate, p.SliceP, p.Decouple));
        var e = new AdEMAMixOptions();
        Assert.Equal([0.9, 0.999, 0.9999], e.Betas);
        Assert.Equal((1e-3, 0.9, 0.999, 0.9999, 2.0, (int?)null, (int?)null, 1e-8), (e.Lr, e.Beta1, e.Beta2, e.Beta3, e.Alpha, e.Beta3Warmup, e.AlphaWarmup, e.Eps));
    }
}
