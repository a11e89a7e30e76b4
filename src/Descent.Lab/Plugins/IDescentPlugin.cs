namespace Descent.Lab.Plugins;

/// <summary>
/// A class in a plugin assembly that adds optimizers and problems to the catalogs, for the command line:
/// <c>descent --plugin MyOptimizers.dll compare --optimizers "custom_sgd:lr=0.1; sgd:lr=0.1"</c>. The loader
/// creates every public, non-abstract implementation with a public parameterless constructor and calls
/// <see cref="Register"/> once.
/// </summary>
public interface IDescentPlugin
{
    /// <summary>
    /// Registers the plugin's optimizers (<see cref="Optim.OptimizerCatalog.Register"/>) and problems
    /// (<see cref="Problems.ProblemCatalog.Register"/>).
    /// </summary>
    void Register();
}
