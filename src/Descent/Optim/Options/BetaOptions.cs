namespace Descent.Optim;

/// <summary>
/// Options with a pair of betas (torch's <c>betas</c>), each in [0, 1): the Adam family's and Lion's. A schedule of
/// momentum drives β₁ (<see cref="IBetaOptions"/>).
/// </summary>
public abstract class BetaOptions : OptimizerOptions, IBetaOptions
{
    /// <summary>Starts from the optimizer's default betas.</summary>
    protected BetaOptions(double beta1, double beta2) => Betas = (beta1, beta2);

    /// <summary>Both betas, as torch's <c>betas</c> pair, each in [0, 1); both are checked before either is changed.</summary>
    [Hyper("betas", "decay rates of the running averages (β₁: first moment, β₂: second)", Symbol = "β₁, β₂", Must = Must.BeInUnitInterval, Noun = "beta parameter")]
    public (double Beta1, double Beta2) Betas { get; set => field = Checked(value); }

    /// <summary>β₁, torch's betas[0], in [0, 1).</summary>
    public double Beta1 { get => Betas.Beta1; set => Betas = (value, Betas.Beta2); }

    /// <summary>β₂, torch's betas[1], in [0, 1).</summary>
    public double Beta2 { get => Betas.Beta2; set => Betas = (Betas.Beta1, value); }
}
