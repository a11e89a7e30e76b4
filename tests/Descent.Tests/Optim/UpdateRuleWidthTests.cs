using Descent.Optim;
using Descent.Optim.Kernels;

using static Descent.Tests.Optim.RuleTestKit;

namespace Descent.Tests.Optim;

/// <summary>
/// Every optimizer's update rule gives the same bits on every vector width as its scalar form, for every length
/// 0..300, in the configurations that take different branches (weight decay, maximize, momentum forms, AMSGrad...).
/// The scalar form itself is held to PyTorch's recordings by the conformance tests.
/// </summary>
public class UpdateRuleWidthTests
{
    [Theory]
    [InlineData(0.1, 0.0, 0.0, 0.0, false, false, false)]
    [InlineData(0.05, 0.9, 0.0, 1e-4, false, false, false)]
    [InlineData(0.05, 0.9, 0.0, 1e-4, false, false, true)]
    [InlineData(0.05, 0.9, 0.1, 0.0, false, true, false)]
    [InlineData(0.05, 0.9, 0.0, 0.01, true, false, false)]
    public void Sgd(double lr, double momentum, double dampening, double weightDecay, bool nesterov, bool maximize, bool first) =>
        SgdRule.From(lr, momentum, dampening, weightDecay, nesterov, maximize, first).Specialize(new EveryWidth(11, (-1, 1)));

    /// <summary>Checks the rule a specialization hands over on every width.</summary>
    private readonly struct EveryWidth(int seed, params (float Low, float High)[] stateRanges) : IRuleUser
    {
        public void Use<TRule>(TRule rule) where TRule : struct, IUpdateRule => AssertEveryWidthEqualsScalar(rule, seed, stateRanges);
    }

    [Theory]
    [InlineData(false, false, false, 0.0)]
    [InlineData(false, false, false, 0.1)]
    [InlineData(true, false, false, 0.1)]
    [InlineData(false, true, false, 0.0)]
    [InlineData(false, false, true, 0.01)]
    [InlineData(true, true, true, 0.05)]
    public void Adam(bool decoupled, bool amsgrad, bool maximize, double weightDecay)
    {
        foreach (long step in new long[] { 1, 7 })
            AssertEveryWidthEqualsScalar(AdamRule.For(0.01, 0.9, 0.999, 1e-8, weightDecay, decoupled, amsgrad, maximize, step), 12,
                (-1, 1), (0, 1), (0, 1));
    }

    [Theory]
    [InlineData(false, 0f, false)]
    [InlineData(true, 0f, false)]
    [InlineData(false, 0.1f, true)]
    [InlineData(true, 0.05f, true)]
    public void ASGD(bool averaging, float weightDecay, bool maximize) =>
        AssertEveryWidthEqualsScalar(new ASGDRule((float)(1 - 1e-2 * 0.05), -0.05f, averaging ? 0.25f : 1f, averaging, weightDecay, maximize), 13, (-1, 1));

    [Theory]
    [InlineData(0f, false)]
    [InlineData(0.1f, false)]
    [InlineData(0.05f, true)]
    public void Adadelta(float weightDecay, bool maximize) =>
        AssertEveryWidthEqualsScalar(new AdadeltaRule(0.9f, (float)(1 - 0.9), 1e-6f, -1f, weightDecay, maximize), 14, (0, 1), (0, 1));

    [Theory]
    [InlineData(0f, 1e-10f, false, false)]
    [InlineData(0.1f, 1e-10f, true, false)]
    [InlineData(0f, 0f, false, true)]
    [InlineData(0.05f, 1e-6f, true, true)]
    public void Adagrad(float weightDecay, float eps, bool maximize, bool epsInsideSqrt) =>
        AssertEveryWidthEqualsScalar(new AdagradRule(-0.03f, eps, weightDecay, maximize, epsInsideSqrt), 15, (0, 1));

    [Theory]
    [InlineData(0.0, false)]
    [InlineData(0.1, true)]
    public void Adamax(double weightDecay, bool maximize)
    {
        foreach (long step in new long[] { 1, 9 })
            AssertEveryWidthEqualsScalar(AdamaxRule.For(2e-3, 0.9, 0.999, 1e-8, weightDecay, maximize, step), 16, (-1, 1), (0, 1));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.1)]
    public void NAdam(double weightDecay) =>
        AssertEveryWidthEqualsScalar(new NAdamRule(0.9f, 0.1f, 0.999f, (float)(1 - 0.999), (float)weightDecay, 0.00499f, 1e-8f,
            -1.3e-3f, -2.1e-2f, weightDecay != 0), 17, (-1, 1), (0, 1));

    [Theory]
    [InlineData(0.0, 3L)]
    [InlineData(0.0, 40L)]
    [InlineData(0.1, 2L)]
    [InlineData(0.1, 100L)]
    public void RAdam(double weightDecay, long step) =>
        AssertEveryWidthEqualsScalar(RAdamRule.For(1e-3, 0.9, 0.999, 1e-8, weightDecay, step), 18, (-1, 1), (0, 1));

    public static TheoryData<bool, int, bool> RMSpropConfigurations
    {
        get
        {
            var data = new TheoryData<bool, int, bool>();
            foreach (bool centered in new[] { false, true })
                foreach (int form in new[] { -1, (int)MomentumForm.PyTorch, (int)MomentumForm.Sutskever, (int)MomentumForm.Ema })
                    foreach (bool inside in new[] { false, true })
                        data.Add(centered, form, inside);
            return data;
        }
    }

    [Theory]
    [MemberData(nameof(RMSpropConfigurations))]
    public void RMSprop(bool centered, int form, bool inside)
    {
        bool decay = (form & 1) == 0, maximize = centered ^ inside;
        var rule = new RMSpropRule(0.9f, (float)(1 - 0.9), 1e-6f, 0.01f, -0.01f, decay ? 0.05f : 0f,
            0.8f, (float)(1 - 0.8), form < 0 ? null : (MomentumForm)form, centered, inside, maximize);
        // the mean square ≥ the squared mean gradient, so the centered variance stays positive
        AssertEveryWidthEqualsScalar(rule, 19, (0.5f, 1), (-0.5f, 0.5f), (-1, 1));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Rprop(bool maximize) =>
        AssertEveryWidthEqualsScalar(new RpropRule(0.5f, 1.2f, 1e-3f, 0.5f, maximize), 20, (-1, 1), (1e-3f, 0.5f));

    [Theory]
    [InlineData(1e-4, 0.9, 0.99, 0.0)]
    [InlineData(3e-4, 0.95, 0.98, 0.1)]
    public void Lion(double lr, double beta1, double beta2, double weightDecay) =>
        AssertEveryWidthEqualsScalar(LionRule.For(lr, beta1, beta2, weightDecay), 21, (-1, 1));

    [Theory]
    [InlineData(0.9, 0.0)]
    [InlineData(0.0, 0.1)]
    public void AdEMAMix(double beta1, double weightDecay) =>
        AssertEveryWidthEqualsScalar(new AdEMAMixRule((float)beta1, (float)(1 - beta1), 0.999f, (float)(1 - 0.999), 0.9999f,
            (float)(1 - 0.9999), (float)(1 - Math.Pow(beta1, 3)), (float)Math.Sqrt(1 - Math.Pow(0.999, 3)), 2f, 1e-8f,
            (float)weightDecay, -1e-3f, beta1 != 0), 22, (-1, 1), (-1, 1), (0, 1));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.01)]
    public void SgdScheduleFree(double weightDecay) =>
        AssertEveryWidthEqualsScalar(new SgdScheduleFreeRule((float)weightDecay, -0.5f, 0.75f, 0.25f, 0.9f, (float)(1 - 0.9)), 23,
            (-1, 1), (-1, 1), (-1, 1));

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.3)]
    public void ScheduleFreeAverage(double c) =>
        AssertEveryWidthEqualsScalar(new ScheduleFreeAverageRule((float)(1 - c), (float)c, 0.9f, (float)(1 - 0.9)), 24, (-1, 1), (-1, 1));

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(false, false, true)]
    [InlineData(true, false, true)]
    [InlineData(true, true, true)]
    public void AdamWScheduleFree(bool decays, bool decayAtZ, bool momentum) =>
        AssertEveryWidthEqualsScalar(new AdamWScheduleFreeRule(decays, decayAtZ, (float)-(0.0025 * 0.01), 0.999f, (float)(1 - 0.999),
            (float)(1 - Math.Pow(0.999, 4)), 1e-8f, momentum, momentum ? 0.9f : 0f, momentum ? (float)(1 - 0.9) : 1f,
            momentum ? (float)(1 - Math.Pow(0.9, 4)) : 1f, -0.0025f), 25, (-1, 1), (0, 1), (-1, 1));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Lamb(bool decays) =>
        AssertEveryWidthEqualsScalar(new LambRule(0.9f, (float)(1 - 0.9), 0.999f, (float)(1 - 0.999), 1e-6f, decays, decays ? 0.01f : 0f), 26,
            (-1, 1), (0, 1), (-1, 1));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ScaledAdd(bool decays) =>
        AssertEveryWidthEqualsScalar(new ScaledAddRule(-3.7e-3f, decays, decays ? (float)(1 - 1e-2 * 0.1) : 1f), 28);

    [Fact]
    public void DecayedGradient() => AssertEveryWidthEqualsScalar(new DecayedGradientRule(0.1f), 29, (-1, 1));

    [Theory]
    [InlineData(0.9f, false, 0.1f)]
    [InlineData(0.9f, true, 0.1f)]
    [InlineData(0f, false, 0f)]
    public void Lars(float momentum, bool nesterov, float decay) =>
        AssertEveryWidthEqualsScalar(new LarsRule(decay, -4.2e-3f, momentum, nesterov), 30, (-1, 1));

    [Theory]
    [InlineData(1f, 0.1f)]
    [InlineData(-1f, 0.1f)]
    [InlineData(1f, 1f)]
    [InlineData(-1f, 0.5f)]
    public void AdafactorVariance(float sign, float beta) =>
        AssertEveryWidthEqualsScalar(new AdafactorVarianceRule(sign, beta, (float)(1e-3 * 1e-3)), 31, (0, 1));

    [Theory]
    [InlineData(1f)]
    [InlineData(-1f)]
    public void AdafactorFactored(float sign) =>
        AssertEveryWidthEqualsScalar(new AdafactorFactoredRule(0.37f, 0.21f, sign, (float)(1.1920928955078125e-07 * 1.1920928955078125e-07)), 32,
            (0, 1));

    [Theory]
    [InlineData(true, true)]
    [InlineData(true, false)]
    [InlineData(false, true)]
    [InlineData(false, false)]
    public void ProdigyMoments(bool momentum, bool updatesS) =>
        AssertEveryWidthEqualsScalar(new ProdigyMomentsRule(momentum, 0.9f, (float)(2e-6 * (1 - 0.9)), 0.999f, (float)(2e-6 * 2e-6 * (1 - 0.999)),
            updatesS, (float)Math.Sqrt(0.999), 3e-6f), 33, (-1, 1), (0, 1), (-1, 1));

    [Theory]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    [InlineData(false, false, false)]
    [InlineData(false, true, false)]
    [InlineData(false, false, true)]
    public void ProdigyStep(bool momentum, bool decoupled, bool coupled) =>
        AssertEveryWidthEqualsScalar(new ProdigyStepRule(momentum, 2e-14f, decoupled, -1e-7f, coupled, 0.1f, momentum ? -2e-6f : -4e-12f), 34,
            (-1, 1), (0, 1));

    [Theory]
    [InlineData(0.95, true)]
    [InlineData(0.95, false)]
    [InlineData(0.3, true)]
    [InlineData(0.5, true)]
    public void MuonMomentum(double beta, bool nesterov) =>
        AssertEveryWidthEqualsScalar(new MuonMomentumRule((float)(1 - beta), (float)beta, nesterov), 36, (-1, 1));

    [Theory]
    [InlineData(false, 1.0)]
    [InlineData(false, 0.999)]
    [InlineData(true, 1.0)]
    [InlineData(true, 0.999)]
    public void MuonUpdate(bool bf16, double decay) =>
        AssertEveryWidthEqualsScalar(new MuonUpdateRule(bf16 ? 1.4140625f : 1.4142135f, bf16, (float)decay, -0.02f), 37);

    [Theory]
    [InlineData(0.9, 0.95, 1L)]
    [InlineData(0.4, 0.999, 5L)]
    public void MuonAdam(double beta1, double beta2, long step) =>
        AssertEveryWidthEqualsScalar(new MuonAdamRule((float)(1 - beta1), (float)(1 - beta2), (float)(1 - Math.Pow(beta1, step)),
            (float)(1 - Math.Pow(beta2, step)), 1e-10f, (float)(1 - 3e-4 * 0.1), -3e-4f), 38, (-1, 1), (0, 1));
}
