using Descent.Nn;
using Descent.Optim;
using Descent.Tensors;

namespace Descent.Tests.Optim;

/// <summary>The seeds' textbook forms of momentum and Nesterov trace PyTorch's trajectories under their mappings.</summary>
public class MomentumFormTests
{
    // An ill-conditioned quadratic f(θ) = ½ Σ a_i θ_i², gradient a_i θ_i.
    private static readonly float[] Curvature = [1f, 10f, 0.1f, 3f];

    private static (Sgd Optimizer, Tensor Theta) Make(SgdOptions options)
    {
        var theta = Tensor.FromArray([1f, -1f, 2f, 0.5f], 4);
        theta.RequiresGrad = true;
        return (new Sgd([new NamedParameter("theta", theta)], options), theta);
    }

    private static void SetGradient(Tensor theta)
    {
        var g = new float[theta.Length];
        for (int i = 0; i < g.Length; i++) g[i] = Curvature[i] * theta[i];
        theta.Grad = Tensor.FromArray(g, g.Length);
    }

    private static List<float[]> Run(SgdOptions options, int steps, Action<Sgd, int>? beforeStep = null)
    {
        var (sgd, theta) = Make(options);
        var path = new List<float[]>();
        for (int t = 0; t < steps; t++)
        {
            beforeStep?.Invoke(sgd, t);
            SetGradient(theta);
            sgd.Step();
            path.Add(theta.ToArray());
        }
        return path;
    }

    private static void AssertClose(List<float[]> expected, List<float[]> actual)
    {
        for (int t = 0; t < expected.Count; t++)
            for (int i = 0; i < expected[t].Length; i++)
                Assert.True(Math.Abs(expected[t][i] - actual[t][i]) <= 1e-5f * (1 + Math.Abs(expected[t][i])),
                    $"step {t + 1}, element {i}: {expected[t][i]} vs {actual[t][i]}");
    }

    [Fact]
    public void SutskeverFormEqualsPyTorchFormWithRhoEqualToLr()
    {
        var torch = Run(new SgdOptions { Lr = 0.05, Momentum = 0.9 }, 40);
        var sutskever = Run(new SgdOptions { Lr = 0.05, Momentum = 0.9, Form = MomentumForm.Sutskever }, 40);
        AssertClose(torch, sutskever);
    }

    [Fact]
    public void EmaFormEqualsPyTorchFormWithLrScaledByOneMinusBeta()
    {
        var torch = Run(new SgdOptions { Lr = 0.05 * (1 - 0.9), Momentum = 0.9 }, 40);
        var ema = Run(new SgdOptions { Lr = 0.05, Momentum = 0.9, Form = MomentumForm.Ema }, 40);
        AssertClose(torch, ema);
    }

    [Fact]
    public void FormsDifferWhenTheLearningRateChangesMidRun()
    {
        // PyTorch's form rescales the whole velocity by the new lr at once; Sutskever's keeps the old velocity.
        void Halve(Sgd sgd, int t) { if (t == 10) sgd.Group(0).Options.Lr *= 0.5; }
        var torch = Run(new SgdOptions { Lr = 0.05, Momentum = 0.9 }, 12, Halve);
        var sutskever = Run(new SgdOptions { Lr = 0.05, Momentum = 0.9, Form = MomentumForm.Sutskever }, 12, Halve);
        AssertClose(torch.Take(10).ToList(), sutskever.Take(10).ToList());
        Assert.True(Math.Abs(torch[10][0] - sutskever[10][0]) > 1e-4, "the step after the change should differ");
        // After the change the Sutskever step is ρ_new·g plus the undamped old velocity: larger than PyTorch's.
        float torchMove = torch[10][0] - torch[9][0], sutskeverMove = sutskever[10][0] - sutskever[9][0];
        Assert.True(Math.Abs(sutskeverMove) > Math.Abs(torchMove));
    }

    [Fact]
    public void LookAheadNesterovTracesPyTorchNesterovAtThetaPlusMuV()
    {
        const double lr = 0.02, mu = 0.9;
        var torchPath = Run(new SgdOptions { Lr = lr, Momentum = mu, Nesterov = true }, 40);

        var (sgd, theta) = Make(new SgdOptions { Lr = lr, Momentum = mu, Form = MomentumForm.Sutskever, LookAhead = true });
        for (int t = 0; t < 40; t++)
        {
            sgd.Step(() =>
            {
                var loss = (Tensor.Multiply(theta.Square(), Tensor.FromArray(Curvature, 4)) * 0.5f).Sum();
                theta.Grad = null;
                loss.Backward();
                return loss;
            });
            var v = sgd.StateOf("theta").Buffers["momentum_buffer"];
            var phi = new float[4];
            for (int i = 0; i < 4; i++) phi[i] = theta[i] + (float)mu * v[i];
            for (int i = 0; i < 4; i++)
                Assert.True(Math.Abs(torchPath[t][i] - phi[i]) <= 1e-5f * (1 + Math.Abs(phi[i])), $"step {t + 1}, element {i}: {torchPath[t][i]} vs {phi[i]}");
        }
    }

    [Theory]
    [InlineData(MomentumForm.Sutskever, true, 0.0)]
    [InlineData(MomentumForm.Ema, false, 0.1)]
    public void TorchOnlyOptionsAreRejectedInTextbookForms(MomentumForm form, bool nesterov, double dampening)
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Make(new SgdOptions { Lr = 0.1, Momentum = 0.9, Form = form, Nesterov = nesterov, Dampening = dampening }));
        Assert.Equal("Form", e.ParamName);
    }

    [Fact]
    public void LookAheadNeedsTheSutskeverForm()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Make(new SgdOptions { Lr = 0.1, Momentum = 0.9, LookAhead = true }));
        Assert.Equal("LookAhead", e.ParamName);
    }

    [Fact]
    public void EmaFormNeedsMomentumBelowOne()
    {
        var e = Assert.ThrowsAny<ArgumentException>(() => Make(new SgdOptions { Lr = 0.1, Momentum = 1.5, Form = MomentumForm.Ema }));
        Assert.Equal("Momentum", e.ParamName);
    }
}
