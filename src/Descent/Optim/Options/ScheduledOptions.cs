namespace Descent.Optim;

/// <summary>Options with a momentum factor that a schedule may drive (SGD, RMSprop).</summary>
public interface IMomentumOptions
{
    /// <summary>The momentum factor.</summary>
    double Momentum { get; set; }
}

/// <summary>Options with Adam-style betas; a momentum schedule drives β₁ (as PyTorch's OneCycleLR and CyclicLR do).</summary>
public interface IBetaOptions
{
    /// <summary>The first-moment coefficient β₁.</summary>
    double Beta1 { get; set; }

    /// <summary>The second-moment coefficient β₂.</summary>
    double Beta2 { get; set; }
}
