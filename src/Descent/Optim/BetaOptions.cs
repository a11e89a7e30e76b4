namespace Descent.Optim;

/// <summary>
/// Options with a pair of betas (torch's <c>betas</c>), each in [0, 1): the Adam family's and Lion's. A schedule of
/// momentum drives β₁ (<see cref="IBetaOptions"/>).
/// </summary>
public abstract class BetaOptions : OptimizerOptions, IBetaOptions
{
    private double _beta1, _beta2;

    /// <summary>Starts from the optimizer's default betas.</summary>
    protected BetaOptions(double beta1, double beta2) => Betas = (beta1, beta2);

    /// <summary>β₁, torch's betas[0], in [0, 1).</summary>
    public double Beta1 { get => _beta1; set => _beta1 = Check.UnitInterval(value, nameof(Beta1), "beta parameter at index 0 (beta1)"); }

    /// <summary>β₂, torch's betas[1], in [0, 1).</summary>
    public double Beta2 { get => _beta2; set => _beta2 = Check.UnitInterval(value, nameof(Beta2), "beta parameter at index 1 (beta2)"); }

    /// <summary>Both betas, as torch's <c>betas</c> pair; both are checked before either is changed.</summary>
    public (double Beta1, double Beta2) Betas
    {
        get => (Beta1, Beta2);
        set
        {
            Check.UnitInterval(value.Beta1, nameof(Beta1), "beta parameter at index 0 (beta1)");
            Check.UnitInterval(value.Beta2, nameof(Beta2), "beta parameter at index 1 (beta2)");
            (_beta1, _beta2) = value;
        }
    }
}
